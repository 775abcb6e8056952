#include "compiler/model/apparmor.h"

#include <fmt/format.h>

namespace rig::model {

namespace {
const char *className(AppArmorRule::Class c) {
  using C = AppArmorRule::Class;
  switch (c) {
  case C::File: return "file";
  case C::Capability: return "capability";
  case C::Network: return "network";
  case C::Mount: return "mount";
  case C::Remount: return "remount";
  case C::Umount: return "umount";
  case C::PivotRoot: return "pivot_root";
  case C::Ptrace: return "ptrace";
  case C::Signal: return "signal";
  case C::Unix: return "unix";
  case C::ChangeProfile: return "change_profile";
  }
  return "?";
}

std::string join(const std::vector<std::string> &v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s;
}
} // namespace

std::string dumpAppArmor(const AppArmorModel &m) {
  std::string out;
  for (const AppArmorProfile &p : m.profiles) {
    out += fmt::format("apparmor {} flags=[{}] includes=[{}]\n", p.name, join(p.flags), join(p.includes));
    for (auto &[name, values] : p.variables) out += fmt::format("  variable {} = [{}]\n", name, join(values));
    for (const AppArmorRule &r : p.rules) {
      out += fmt::format("  {}{}{}{}", r.audit ? "audit " : "", r.deny ? "deny " : "allow ", r.owner ? "owner " : "", className(r.cls));
      auto field = [&](const char *k, const std::string &v) {
        if (!v.empty()) out += fmt::format(" {}={}", k, v);
      };
      auto fields = [&](const char *k, const std::vector<std::string> &v) {
        if (!v.empty()) out += fmt::format(" {}=[{}]", k, join(v));
      };
      field("path", r.path);
      field("perms", r.perms);
      field("exec", r.exec);
      field("target", r.target);
      fields("names", r.names);
      field("domain", r.domain);
      field("type", r.type);
      fields("fstypes", r.fstypes);
      fields("signals", r.signals);
      field("source", r.source);
      field("point", r.point);
      field("oldroot", r.oldRoot);
      field("peer", r.peer);
      out += "\n";
    }
  }
  return out;
}

} // namespace rig::model
