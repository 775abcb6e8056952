// AppArmor profiles declared with `apparmor NAME { … }`: rules in source order, flags, includes.
// Part of the model (see model.h): built by check, read by verify, emit and
// explain.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/source/source_manager.h"

namespace rig::model {

// One AppArmor rule, already validated: every string here is a word the
// profile language accepts, so the emitter only has to spell it.
struct AppArmorRule {
  enum class Class { File, Capability, Network, Mount, Remount, Umount, PivotRoot, Ptrace, Signal, Unix, ChangeProfile };
  Class cls = Class::File;
  bool audit = false, deny = false, owner = false;

  // File: the glob as written (variables unexpanded), permission letters in
  // the canonical order `rwalkm`, and at most one exec transition
  // (`ix`, `px`, `Px`, `pix`, `cux`, …; a bare `x` only in deny rules).
  std::string path;
  std::string perms;
  std::string exec;
  // File exec target (`px -> NAME`), change_profile target, pivot_root profile.
  std::string target;

  // Capability: names; ptrace, signal, unix: access words; Mount: options.
  std::vector<std::string> names;
  std::string domain, type;           // Network: domain and type or protocol ("" = any)
  std::vector<std::string> fstypes;   // Mount
  std::vector<std::string> signals;   // Signal: the `set=`
  std::string source, point;          // Mount source -> mount point; Umount/Remount/PivotRoot point; ChangeProfile exec path
  std::string oldRoot;                // PivotRoot
  std::string peer;                   // Ptrace, Signal, Unix: the peer label

  SourceRange range;      // the rule as written
  SourceRange pathRange;  // File: the path string
};

struct AppArmorProfile {
  std::string name;       // the profile name on the node (`localhostProfile`)
  std::string sourceName; // as declared in rig
  std::vector<std::string> flags;    // sorted: attach_disconnected, complain, …
  std::vector<std::string> includes; // "abstractions/base", in source order, unique
  // `@{NAME} = v1 v2`, in source order.
  std::vector<std::pair<std::string, std::vector<std::string>>> variables;
  std::vector<AppArmorRule> rules;   // in source order
  SourceRange range, nameRange;
};

struct AppArmorModel {
  std::vector<AppArmorProfile> profiles; // in declaration order

  const AppArmorProfile *find(const std::string &name) const {
    for (const AppArmorProfile &p : profiles)
      if (p.name == name) return &p;
    return nullptr;
  }
};

// For `--dump=model`: one line per profile and per rule, fields spelled out.
std::string dumpAppArmor(const AppArmorModel &m);

} // namespace rig::model
