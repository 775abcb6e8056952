// AppArmor profiles: `apparmor NAME { … }`, checked into model::AppArmorProfile.
//
// Each rule is one declaration whose words read like the profile language:
//   flags attach_disconnected, mediate_deleted      mode complain
//   include abstractions.base                       variable WWW "/srv/www", "/var/www"
//   allow read "/etc/nginx/**", "/usr/share/nginx/**"
//   allow read write "/var/cache/nginx/**"          allow rw "/run/nginx.pid"
//   allow exec inherit "/usr/sbin/nginx"            deny exec "/bin/sh"
//   audit deny owner write "/home/**"               allow exec profile clean fallback inherit "/usr/bin/x"
//   allow network inet tcp, inet6 tcp               allow capability net_bind_service
//   deny mount, umount, ptrace                      allow signal receive peer unconfined
// Comma groups after the first continue the rule's list (paths, capability
// names, network entries) unless they start with another rule class, which
// then takes the same qualifiers (`deny mount, umount, ptrace`).
#include "compiler/apparmor/glob.h"
#include "compiler/apparmor/names.h"
#include "compiler/check/checker.h"
#include "compiler/k8s/names.h"

namespace rig::sema {

namespace {

using Rule = model::AppArmorRule;
using Class = model::AppArmorRule::Class;

std::optional<Class> ruleClass(llvm::StringRef w) {
  if (w == "file") return Class::File;
  if (w == "capability") return Class::Capability;
  if (w == "network") return Class::Network;
  if (w == "mount") return Class::Mount;
  if (w == "remount") return Class::Remount;
  if (w == "umount") return Class::Umount;
  if (w == "pivot_root") return Class::PivotRoot;
  if (w == "ptrace") return Class::Ptrace;
  if (w == "signal") return Class::Signal;
  if (w == "unix") return Class::Unix;
  if (w == "change_profile") return Class::ChangeProfile;
  return std::nullopt;
}

const llvm::StringRef kRuleWords[] = {"read", "write", "append", "link", "lock", "mmap", "exec", "file",
                                      "capability", "network", "mount", "remount", "umount", "pivot_root",
                                      "ptrace", "signal", "unix", "change_profile", "owner"};

// Named file permissions and their letters.
std::optional<char> permissionLetter(llvm::StringRef w) {
  if (w == "read") return 'r';
  if (w == "write") return 'w';
  if (w == "append") return 'a';
  if (w == "link") return 'l';
  if (w == "lock") return 'k';
  if (w == "mmap" || w == "mmap_exec") return 'm';
  return std::nullopt;
}

const llvm::StringRef kExecModes[] = {"ix",  "px",  "Px",  "cx",  "Cx",  "ux",  "Ux",  "pix", "Pix",
                                      "cix", "Cix", "pux", "PUx", "cux", "CUx"};

bool isExecLetters(llvm::StringRef m) { return apparmor::contains(kExecModes, m); }

} // namespace

// The state of one profile being checked: its variables (for path checks)
// and the rules built so far.
struct AppArmorProfileChecker {
  Checker &c;
  model::AppArmorProfile &p;
  Diagnostics &diags;

  // `read write "/a"`, `rw "/a"`, `exec inherit "/a"`: the permission words
  // of a file rule; returns false after reporting.
  bool filePermissions(const std::vector<const ast::Word *> &ws, size_t &i, Rule &r) {
    std::string letters;
    std::vector<std::pair<std::string, SourceRange>> modes; // exec modes as given
    bool sawExec = false;
    SourceRange execRange;
    auto addLetter = [&](char l) {
      if (letters.find(l) == std::string::npos) letters += l;
    };
    while (i < ws.size() && ws[i]->kind == ast::Word::Kind::Name) {
      llvm::StringRef w = ws[i]->text;
      if (auto l = permissionLetter(w)) {
        addLetter(*l);
        ++i;
        continue;
      }
      if (w == "exec") {
        sawExec = true;
        execRange = ws[i]->range;
        ++i;
        // Mode words: inherit | profile | child | unconfined, `clean` (scrub
        // the environment: Px, Cx, Ux), `fallback inherit|unconfined`, or the
        // letters themselves (`ix`, `Pix`, …), and `target NAME`.
        std::string base;
        bool clean = false;
        std::string fallback;
        while (i < ws.size() && ws[i]->kind == ast::Word::Kind::Name) {
          llvm::StringRef m = ws[i]->text;
          std::string letter;
          if (m == "inherit") letter = "i";
          else if (m == "profile") letter = "p";
          else if (m == "child") letter = "c";
          else if (m == "unconfined") letter = "u";
          if (!letter.empty() || isExecLetters(m)) {
            std::string mode = letter.empty() ? m.str() : letter + "x";
            modes.emplace_back(mode, ws[i]->range);
            if (!letter.empty()) base = letter;
            ++i;
            continue;
          }
          if (m == "clean") {
            clean = true;
            ++i;
            continue;
          }
          if (m == "fallback") {
            ++i;
            if (i < ws.size() && (ws[i]->text == "inherit" || ws[i]->text == "unconfined")) {
              fallback = ws[i]->text == "inherit" ? "i" : "u";
              ++i;
              continue;
            }
            diags.report(DiagKind::AppArmorBadRule, i < ws.size() ? ws[i]->range : ws[i - 1]->range,
                         "`fallback` takes `inherit` or `unconfined`");
            return false;
          }
          if (m == "target") {
            ++i;
            if (i >= ws.size() || ws[i]->kind == ast::Word::Kind::Number) {
              diags.report(DiagKind::AppArmorBadRule, ws[i - 1]->range, "`target` takes the name of the profile to run the program under");
              return false;
            }
            r.target = ws[i]->kind == ast::Word::Kind::Name ? k8s::identifierToK8sName(ws[i]->text) : ws[i]->text;
            ++i;
            continue;
          }
          break;
        }
        if (modes.size() > 1) {
          diags.report(DiagKind::AppArmorTwoExecModes, modes[1].second, modes[0].first, modes[1].first)
              .label(modes[0].second, "first exec mode");
          return false;
        }
        if (!modes.empty() && modes[0].first.size() == 2 && modes[0].first[0] != 'i') {
          // Spell the named form's modifiers into the letters.
          std::string m = modes[0].first;
          if (!base.empty()) {
            m = base;
            if (clean) m[0] = char(std::toupper(m[0]));
            if (!fallback.empty()) m += clean && fallback == "u" ? "U" : fallback;
            m += "x";
            if (!isExecLetters(m)) {
              diags.report(DiagKind::AppArmorBadRule, modes[0].second, fmt::format("`{}` is not an exec mode AppArmor has", m));
              return false;
            }
          }
          r.exec = m;
        } else if (!modes.empty()) {
          if ((clean || !fallback.empty()) && modes[0].first == "ix") {
            diags.report(DiagKind::AppArmorBadRule, modes[0].second, "`inherit` takes neither `clean` nor `fallback`");
            return false;
          }
          r.exec = modes[0].first;
        } else if (clean || !fallback.empty()) {
          diags.report(DiagKind::AppArmorBadRule, execRange, "`clean` and `fallback` need an exec mode: profile, child or unconfined");
          return false;
        }
        continue;
      }
      // AppArmor's letters: `rw`, `rix`, `mrPx`.
      std::string bad;
      std::string exec;
      std::string lets;
      llvm::StringRef word = w;
      size_t xpos = word.find('x');
      llvm::StringRef permPart = word;
      if (xpos != llvm::StringRef::npos) {
        size_t start = xpos;
        while (start > 0 && llvm::StringRef("piucPUC").contains(word[start - 1])) --start;
        exec = word.slice(start, xpos + 1).str();
        permPart = llvm::StringRef();
        lets = word.take_front(start).str() + word.drop_front(xpos + 1).str();
        if (exec != "x" && !isExecLetters(exec)) bad = fmt::format("`{}` is not an exec mode", exec);
        else if (llvm::StringRef(lets).contains('x')) bad = "a rule takes one exec mode";
      } else {
        lets = permPart.str();
      }
      if (bad.empty())
        for (char ch : lets)
          if (!llvm::StringRef("rwalkm").contains(ch)) {
            bad = fmt::format("`{}` is not a permission letter (r, w, a, l, k, m, and one exec mode such as ix or Px)", std::string(1, ch));
            break;
          }
      if (!bad.empty()) {
        if (llvm::StringRef(bad).startswith("a rule takes one")) {
          // `ixpx`: name the second mode as written.
          llvm::StringRef second = word.drop_front(xpos + 1);
          second = second.take_front(second.find('x') + 1);
          size_t q = 0;
          while (q < second.size() && !llvm::StringRef("piucPUC").contains(second[q])) ++q;
          diags.report(DiagKind::AppArmorTwoExecModes, ws[i]->range, exec, second.drop_front(q).str());
        } else {
          Diagnostic &d = diags.report(DiagKind::AppArmorBadPermission, ws[i]->range, w.str(), bad);
          std::string close = closestMatch(w, kRuleWords);
          if (!close.empty()) d.note(fmt::format("did you mean `{}`?", close));
        }
        return false;
      }
      for (char ch : lets) addLetter(ch);
      if (!exec.empty()) {
        if (!modes.empty() || !r.exec.empty() || sawExec) {
          diags.report(DiagKind::AppArmorTwoExecModes, ws[i]->range, modes.empty() ? std::string("exec") : modes[0].first, exec);
          return false;
        }
        sawExec = true;
        execRange = ws[i]->range;
        modes.emplace_back(exec, ws[i]->range);
        r.exec = exec; // a bare `x` is checked below: deny rules only
      }
      ++i;
    }
    // Canonical letter order.
    for (char l : std::string("rwalkm"))
      if (letters.find(l) != std::string::npos) r.perms += l;
    if (r.perms.find('w') != std::string::npos && r.perms.find('a') != std::string::npos) {
      diags.report(DiagKind::AppArmorBadPermission, ws[0]->range, "write append",
                   "`write` and `append` are mutually exclusive in one rule (write implies append)");
      return false;
    }
    if (sawExec) {
      if (r.deny) {
        if (!r.exec.empty() && r.exec != "x") {
          diags.report(DiagKind::AppArmorBadRule, execRange,
                       fmt::format("a deny rule denies all execution; drop the exec mode `{}`", r.exec));
          return false;
        }
        r.exec = "x";
      } else if (r.exec.empty() || r.exec == "x") {
        diags.report(DiagKind::AppArmorBadRule, execRange,
                     "an allow exec rule needs a mode: `inherit`, `profile`, `child` or `unconfined`")
            .note("e.g. `allow exec inherit \"/usr/sbin/nginx\"`");
        return false;
      }
      if (!r.target.empty() && (r.exec.find_first_of("pPcC") == std::string::npos)) {
        diags.report(DiagKind::AppArmorBadRule, execRange, "`target` applies only to the `profile` and `child` exec modes");
        return false;
      }
    }
    if (r.perms.empty() && r.exec.empty()) {
      diags.report(DiagKind::AppArmorBadRule, ws.empty() ? r.range : ws[std::min(i, ws.size() - 1)]->range,
                   "a file rule needs permissions before its paths: read, write, append, link, lock, mmap, exec MODE")
          .note("e.g. `allow read \"/etc/nginx/**\"`");
      return false;
    }
    return true;
  }

  // A path of a file rule (or a mount point): absolute, a valid glob, only
  // declared variables.
  bool path(const ast::Word &w, llvm::StringRef what) {
    if (w.kind != ast::Word::Kind::String) {
      diags.report(DiagKind::AppArmorBadRule, w.range, fmt::format("expected {} as a string, found `{}`", what.str(), w.text));
      return false;
    }
    llvm::StringRef g = w.text;
    if (!g.startswith("/") && !g.startswith("@{")) {
      diags.report(DiagKind::AppArmorBadGlob, w.range, w.text, "paths must be absolute (start with `/` or a variable)");
      return false;
    }
    if (auto e = apparmor::checkGlob(g)) {
      diags.report(DiagKind::AppArmorBadGlob, w.range, w.text, e->message);
      return false;
    }
    if (g.contains('"') || g.contains('\n')) {
      diags.report(DiagKind::AppArmorBadGlob, w.range, w.text, "a path cannot contain `\"` or a line break");
      return false;
    }
    bool ok = true;
    for (auto &[name, offset] : apparmor::variableReferences(g)) {
      if (hasVariable(name)) continue;
      Diagnostic &d = diags.report(DiagKind::AppArmorUndefinedVariable, w.range, name);
      std::vector<std::string> known = apparmor::tunableNames();
      for (auto &v : p.variables) known.push_back(v.first);
      std::string close = closestMatch(name, known);
      if (!close.empty()) d.note(fmt::format("did you mean `@{{{}}}`?", close));
      ok = false;
    }
    return ok;
  }

  bool hasVariable(llvm::StringRef name) {
    if (name == "profile_name" || apparmor::tunableValues(name)) return true;
    for (auto &v : p.variables)
      if (v.first == name) return true;
    return false;
  }

  bool oneOf(const ast::Word &w, llvm::ArrayRef<llvm::StringRef> list, llvm::StringRef what) {
    if (w.kind == ast::Word::Kind::Name && apparmor::contains(list, w.text)) return true;
    Diagnostic &d = diags.report(DiagKind::AppArmorUnknownWord, w.range, what.str(), w.text);
    std::string close = closestMatch(llvm::StringRef(w.text).lower(), list);
    if (!close.empty()) d.note(fmt::format("did you mean `{}`?", close)).fix(w.range, close);
    return false;
  }

  // A peer label: a name or a string.
  bool label(const std::vector<const ast::Word *> &ws, size_t &i, std::string &out) {
    if (i >= ws.size() || ws[i]->kind == ast::Word::Kind::Number) {
      diags.report(DiagKind::AppArmorBadRule, ws[i - 1]->range, fmt::format("`{}` takes a profile name", ws[i - 1]->text));
      return false;
    }
    out = ws[i]->text;
    if (!llvm::all_of(out, [](char ch) { return std::isalnum((unsigned char)ch) || llvm::StringRef("._-/*").contains(ch); })) {
      diags.report(DiagKind::AppArmorBadRule, ws[i]->range, fmt::format("`{}` is not a profile name", out));
      return false;
    }
    ++i;
    return true;
  }

  // The words of one rule of a non-file class, starting after the class word.
  bool classWords(Rule &r, const std::vector<const ast::Word *> &ws, size_t i, bool continuation) {
    auto unexpected = [&](const ast::Word &w) {
      diags.report(DiagKind::AppArmorBadRule, w.range, fmt::format("unexpected `{}` in a `{}` rule", w.text, className(r.cls)));
      return false;
    };
    switch (r.cls) {
    case Class::File: {
      if (!continuation && !filePermissions(ws, i, r)) return false;
      if (i >= ws.size()) {
        diags.report(DiagKind::AppArmorBadRule, r.range, "a file rule needs a path, e.g. `\"/etc/nginx/**\"`");
        return false;
      }
      if (i + 1 < ws.size()) return unexpected(*ws[i + 1]);
      if (!path(*ws[i], "a path")) return false;
      r.path = ws[i]->text;
      r.pathRange = ws[i]->range;
      return true;
    }
    case Class::Capability:
      for (; i < ws.size(); ++i) {
        llvm::StringRef n = ws[i]->text;
        if (ws[i]->kind == ast::Word::Kind::Name && apparmor::contains(apparmor::capabilities(), n)) {
          r.names.push_back(n.str());
          continue;
        }
        Diagnostic &d = diags.report(DiagKind::AppArmorUnknownCapability, ws[i]->range, n.str());
        std::string lower = n.lower();
        if (llvm::StringRef(lower).startswith("cap_")) lower = lower.substr(4);
        std::string close = apparmor::contains(apparmor::capabilities(), lower) ? lower : closestMatch(lower, apparmor::capabilities());
        if (!close.empty()) d.note(fmt::format("did you mean `{}`? AppArmor spells capabilities in lowercase without `CAP_`", close)).fix(ws[i]->range, close);
        return false;
      }
      return true;
    case Class::Network:
      for (; i < ws.size(); ++i) {
        const ast::Word &w = *ws[i];
        if (w.kind == ast::Word::Kind::Name && r.domain.empty() && r.type.empty() && apparmor::contains(apparmor::networkDomains(), w.text)) {
          r.domain = w.text;
          continue;
        }
        if (w.kind == ast::Word::Kind::Name && (apparmor::contains(apparmor::networkTypes(), w.text) || apparmor::contains(apparmor::networkProtocols(), w.text))) {
          if (!r.type.empty()) {
            diags.report(DiagKind::AppArmorBadRule, w.range, fmt::format("a network rule takes one type or protocol; `{}` already given (write another rule after a comma)", r.type));
            return false;
          }
          r.type = w.text;
          continue;
        }
        std::vector<llvm::StringRef> all(apparmor::networkDomains().begin(), apparmor::networkDomains().end());
        all.insert(all.end(), apparmor::networkTypes().begin(), apparmor::networkTypes().end());
        all.insert(all.end(), apparmor::networkProtocols().begin(), apparmor::networkProtocols().end());
        oneOf(w, all, "network domain, type or protocol");
        return false;
      }
      return true;
    case Class::Mount:
    case Class::Remount:
    case Class::Umount: {
      // mount [fstype T…] [options O…] ["SOURCE"] [to "MOUNTPOINT"]; umount/remount [options O…] ["MOUNTPOINT"]
      enum { None, Fstype, Options } list = None;
      while (i < ws.size()) {
        const ast::Word &w = *ws[i];
        if (w.kind == ast::Word::Kind::Name && w.text == "fstype" && r.cls != Class::Umount) list = Fstype, ++i;
        else if (w.kind == ast::Word::Kind::Name && w.text == "options") list = Options, ++i;
        else if (w.kind == ast::Word::Kind::Name && w.text == "to" && r.cls == Class::Mount) {
          if (i + 1 >= ws.size() || !path(*ws[i + 1], "a mount point")) {
            if (i + 1 >= ws.size()) diags.report(DiagKind::AppArmorBadRule, w.range, "`to` takes the mount point as a string");
            return false;
          }
          r.point = ws[i + 1]->text;
          i += 2;
          list = None;
        } else if (w.kind == ast::Word::Kind::String) {
          // A mount source may be a device name (`tmpfs`, `none`), not a path.
          bool device = r.cls == Class::Mount && r.source.empty() && !llvm::StringRef(w.text).startswith("/") &&
                        !llvm::StringRef(w.text).startswith("@{");
          if (device && (w.text.empty() || !llvm::all_of(w.text, [](char ch) { return std::isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '.' || ch == ':'; }))) {
            diags.report(DiagKind::AppArmorBadRule, w.range, fmt::format("`{}` is neither an absolute path nor a device name", w.text));
            return false;
          }
          if (!device && !path(w, "a path")) return false;
          std::string &slot = r.cls == Class::Mount ? r.source : r.point;
          if (!slot.empty()) return unexpected(w);
          slot = w.text;
          ++i;
          list = None;
        } else if (list == Fstype && w.kind == ast::Word::Kind::Name) {
          r.fstypes.push_back(w.text);
          ++i;
        } else if (list == Options && w.kind == ast::Word::Kind::Name) {
          if (!oneOf(w, apparmor::mountOptions(), "mount option")) return false;
          r.names.push_back(w.text);
          ++i;
        } else return unexpected(w);
      }
      return true;
    }
    case Class::PivotRoot:
      // pivot_root [oldroot "OLD/"] ["NEWROOT/"] [to PROFILE]
      while (i < ws.size()) {
        const ast::Word &w = *ws[i];
        if (w.kind == ast::Word::Kind::Name && w.text == "oldroot") {
          if (i + 1 >= ws.size() || !path(*ws[i + 1], "the old root")) {
            if (i + 1 >= ws.size()) diags.report(DiagKind::AppArmorBadRule, w.range, "`oldroot` takes a directory as a string");
            return false;
          }
          r.oldRoot = ws[i + 1]->text;
          i += 2;
        } else if (w.kind == ast::Word::Kind::Name && w.text == "to") {
          ++i;
          if (!label(ws, i, r.target)) return false;
        } else if (w.kind == ast::Word::Kind::String && r.point.empty()) {
          if (!path(w, "the new root")) return false;
          r.point = w.text;
          ++i;
        } else return unexpected(w);
      }
      return true;
    case Class::Ptrace:
    case Class::Signal:
    case Class::Unix: {
      llvm::ArrayRef<llvm::StringRef> access = r.cls == Class::Ptrace  ? apparmor::ptraceAccess()
                                               : r.cls == Class::Signal ? apparmor::signalAccess()
                                                                        : apparmor::unixAccess();
      bool inSet = false;
      while (i < ws.size()) {
        const ast::Word &w = *ws[i];
        if (w.kind == ast::Word::Kind::Name && w.text == "peer") {
          ++i;
          inSet = false;
          if (!label(ws, i, r.peer)) return false;
        } else if (r.cls == Class::Signal && w.kind == ast::Word::Kind::Name && w.text == "set") {
          inSet = true;
          ++i;
        } else if (r.cls == Class::Unix && w.kind == ast::Word::Kind::Name && w.text == "type") {
          if (i + 1 >= ws.size() || !oneOf(*ws[i + 1], apparmor::unixTypes(), "unix socket type")) {
            if (i + 1 >= ws.size()) diags.report(DiagKind::AppArmorBadRule, w.range, "`type` takes stream, dgram or seqpacket");
            return false;
          }
          r.type = ws[i + 1]->text;
          i += 2;
        } else if (inSet) {
          if (!oneOf(w, apparmor::signalNames(), "signal")) return false;
          if (std::find(r.signals.begin(), r.signals.end(), w.text) == r.signals.end()) r.signals.push_back(w.text);
          ++i;
        } else {
          if (!oneOf(w, access, fmt::format("{} access", className(r.cls)))) return false;
          if (std::find(r.names.begin(), r.names.end(), w.text) == r.names.end()) r.names.push_back(w.text);
          ++i;
        }
      }
      if (r.cls == Class::Signal && inSet && r.signals.empty()) {
        diags.report(DiagKind::AppArmorBadRule, ws.back()->range, "`set` takes signal names, e.g. `set term kill`");
        return false;
      }
      return true;
    }
    case Class::ChangeProfile:
      // change_profile ["EXEC_PATH"] [to PROFILE]
      while (i < ws.size()) {
        const ast::Word &w = *ws[i];
        if (w.kind == ast::Word::Kind::String && r.point.empty() && r.target.empty()) {
          if (!path(w, "a program path")) return false;
          r.point = w.text;
          ++i;
        } else if (w.kind == ast::Word::Kind::Name && w.text == "to") {
          ++i;
          if (!label(ws, i, r.target)) return false;
        } else return unexpected(w);
      }
      return true;
    }
    return false;
  }

  static const char *className(Class c) {
    switch (c) {
    case Class::File: return "file";
    case Class::Capability: return "capability";
    case Class::Network: return "network";
    case Class::Mount: return "mount";
    case Class::Remount: return "remount";
    case Class::Umount: return "umount";
    case Class::PivotRoot: return "pivot_root";
    case Class::Ptrace: return "ptrace";
    case Class::Signal: return "signal";
    case Class::Unix: return "unix";
    case Class::ChangeProfile: return "change_profile";
    }
    return "";
  }

  // `[audit] allow|deny [owner] CLASS …`, over all comma groups.
  void rule(const ast::Declaration &d) {
    Rule q;
    std::vector<const ast::Word *> first;
    if (!d.words.empty())
      for (const ast::Word &w : d.words[0]) first.push_back(&w);
    size_t i = 0;
    auto word = [&](size_t k) -> llvm::StringRef {
      return k < first.size() && first[k]->kind == ast::Word::Kind::Name ? llvm::StringRef(first[k]->text) : llvm::StringRef();
    };
    if (d.keyword.name == "audit") {
      q.audit = true;
      if (word(i) == "allow" || word(i) == "deny") q.deny = word(i++) == "deny";
    } else {
      q.deny = d.keyword.name == "deny";
    }
    if (word(i) == "owner") q.owner = true, ++i;
    if (d.value || d.body || !d.after.empty()) {
      diags.report(DiagKind::AppArmorBadRule, d.range, "an AppArmor rule is one line of words, without `=` or `{ … }`");
      return;
    }
    if (i >= first.size()) {
      diags.report(DiagKind::AppArmorBadRule, d.range, "the rule says nothing: write e.g. `allow read \"/etc/**\"` or `deny capability sys_admin`");
      return;
    }
    bool isFileStart = !ruleClass(word(i));
    if (word(i) == "owner" || word(i) == "allow" || word(i) == "deny" || word(i) == "audit") {
      diags.report(DiagKind::AppArmorBadRule, first[i]->range,
                   "qualifiers go in the order `audit`, `allow`/`deny`, `owner`");
      return;
    }
    std::optional<Class> cls;
    for (size_t g = 0; g < d.words.size(); ++g) {
      std::vector<const ast::Word *> ws;
      for (const ast::Word &w : d.words[g]) ws.push_back(&w);
      size_t k = g == 0 ? i : 0;
      Rule r = q;
      r.range = SourceRange::join(ws.front()->range, ws.back()->range);
      if (g == 0) r.range = SourceRange::join(d.keyword.range, r.range);
      std::optional<Class> here = ws[k]->kind == ast::Word::Kind::Name ? ruleClass(ws[k]->text) : std::nullopt;
      // `unix` after a network rule is a network domain.
      if (g > 0 && cls == Class::Network && here == Class::Unix) here.reset();
      bool continuation = false;
      if (here) {
        cls = here;
        ++k;
        // `allow file read "/x"` is the same as `allow read "/x"`.
      } else if (g == 0) {
        if (!isFileStart) return;
        cls = Class::File;
      } else {
        continuation = true;
      }
      r.cls = *cls;
      if (continuation && r.cls == Class::File) {
        // Same permissions as the previous path of this rule.
        if (p.rules.empty()) return;
        const Rule &prev = p.rules.back();
        r.perms = prev.perms;
        r.exec = prev.exec;
        r.target = prev.target;
      } else if (continuation && (r.cls == Class::Mount || r.cls == Class::Remount || r.cls == Class::Umount ||
                                  r.cls == Class::PivotRoot || r.cls == Class::Ptrace || r.cls == Class::Signal ||
                                  r.cls == Class::Unix || r.cls == Class::ChangeProfile)) {
        diags.report(DiagKind::AppArmorUnknownRule, ws[0]->range, ws[0]->text,
                     fmt::format("; after a comma comes another rule class ({})", "capability, network, mount, umount, ptrace, …"));
        return;
      }
      if (r.cls == Class::File && !continuation && g > 0) {
        // `deny mount, file write "/x"`: not worth a meaning.
        diags.report(DiagKind::AppArmorBadRule, ws[0]->range, "start file rules on their own line");
        return;
      }
      if (g == 0 && !here && first[k]->kind == ast::Word::Kind::Name && !permissionLetter(first[k]->text) &&
          first[k]->text != "exec" && !looksLikeLetters(first[k]->text)) {
        Diagnostic &diag = diags.report(DiagKind::AppArmorUnknownRule, first[k]->range, first[k]->text, "");
        std::string close = closestMatch(first[k]->text, kRuleWords);
        if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(first[k]->range, close);
        else diag.note("a rule is `allow|deny` then file permissions and paths, or capability, network, mount, remount, umount, pivot_root, ptrace, signal, unix, change_profile");
        return;
      }
      if (!classWords(r, ws, k, continuation)) return;
      p.rules.push_back(std::move(r));
    }
  }

  static bool looksLikeLetters(llvm::StringRef w) {
    return !w.empty() && w.size() <= 6 && llvm::all_of(w, [](char ch) { return std::isalpha((unsigned char)ch); });
  }
};

bool Checker::checkAppArmorDeclaration(const ast::Declaration &d) {
  if (d.keyword.name != "apparmor") return false;
  auto name = declName(d, "AppArmor profile");
  if (!name) return true;
  rejectExtraWords(d, 1, "the profile name");
  if (!d.body || d.value) {
    diags_.report(DiagKind::SyntaxError, d.range, "expected `apparmor NAME { rules }`");
    return true;
  }
  // Profile names become file names on the node and `localhostProfile`
  // values: keep them boring (what runtimes and apparmor_parser accept
  // without quoting).
  llvm::StringRef n = name->first;
  if (n.empty() || !std::isalnum((unsigned char)n[0]) ||
      !llvm::all_of(n, [](char ch) { return std::islower((unsigned char)ch) || std::isdigit((unsigned char)ch) || ch == '-' || ch == '.' || ch == '_'; })) {
    diags_.report(DiagKind::AppArmorBadName, name->second, name->first,
                  "it must start with a lowercase letter or digit and hold only lowercase letters, digits, `-`, `.` and `_`");
    return true;
  }
  // `apparmor = unconfined` and `= runtime_default` mean the built-in
  // profiles: a profile with either name could never be referenced.
  if (d.nameWord()->text == "unconfined" || d.nameWord()->text == "runtime_default") {
    diags_.report(DiagKind::AppArmorBadName, name->second, name->first,
                  "it is reserved: `apparmor = " + d.nameWord()->text + "` means the built-in profile");
    return true;
  }
  for (const model::AppArmorProfile &other : program_.apparmor.profiles)
    if (other.name == name->first) {
      diags_.report(DiagKind::AppArmorDuplicateProfile, name->second, name->first).label(other.nameRange, "first declared here");
      return true;
    }
  model::AppArmorProfile p;
  p.name = name->first;
  p.sourceName = d.nameWord()->text;
  p.range = d.range;
  p.nameRange = name->second;
  AppArmorProfileChecker pc{*this, p, diags_};
  std::vector<std::pair<std::string, SourceRange>> modeFlags;
  BlockHandlers h;
  h.declaration = [&](const ast::Declaration &x) {
    llvm::StringRef kw = x.keyword.name;
    std::vector<const ast::Word *> ws;
    for (const ast::WordGroup &g : x.words)
      for (const ast::Word &w : g) ws.push_back(&w);
    if (kw == "allow" || kw == "deny" || kw == "audit") {
      pc.rule(x);
      return;
    }
    if (x.value || x.body) {
      diags_.report(DiagKind::AppArmorBadRule, x.range, fmt::format("`{}` takes words, without `=` or `{{ … }}`", kw));
      return;
    }
    if (kw == "flags" || kw == "mode") {
      if (ws.empty()) diags_.report(DiagKind::AppArmorBadRule, x.range, fmt::format("`{}` needs at least one flag", kw));
      for (const ast::Word *w : ws) {
        if (!pc.oneOf(*w, kw == "mode" ? apparmor::profileModes() : apparmor::profileFlags(), kw == "mode" ? "profile mode" : "profile flag")) continue;
        if (apparmor::contains(apparmor::profileModes(), w->text)) {
          for (auto &[m, r] : modeFlags)
            if (m != w->text) {
              diags_.report(DiagKind::AppArmorConflictingFlags, w->range, m, w->text).label(r, "set here");
              return;
            }
          modeFlags.emplace_back(w->text, w->range);
        }
        if (std::find(p.flags.begin(), p.flags.end(), w->text) == p.flags.end()) p.flags.push_back(w->text);
      }
      return;
    }
    if (kw == "include") {
      if (ws.empty()) diags_.report(DiagKind::AppArmorBadRule, x.range, "`include` needs an abstraction, e.g. `include abstractions.base`");
      for (const ast::Word *w : ws) {
        // `abstractions.base`, `abstractions.ssl_certs` or "abstractions/user-tmp".
        llvm::StringRef t = w->text;
        llvm::StringRef rest;
        if (w->kind == ast::Word::Kind::Name && t.startswith("abstractions.")) rest = t.drop_front(13);
        else if (w->kind == ast::Word::Kind::String && t.startswith("abstractions/")) rest = t.drop_front(13);
        else {
          diags_.report(DiagKind::AppArmorBadRule, w->range, fmt::format("expected an abstraction such as `abstractions.base`, found `{}`", w->text));
          continue;
        }
        std::string file = rest.str();
        if (!apparmor::contains(apparmor::abstractions(), file)) {
          std::string dashed = file;
          std::replace(dashed.begin(), dashed.end(), '_', '-');
          if (w->kind == ast::Word::Kind::Name && apparmor::contains(apparmor::abstractions(), dashed)) file = dashed;
          else {
            Diagnostic &diag = diags_.report(DiagKind::AppArmorUnknownAbstraction, w->range, rest.str());
            std::string close = closestMatch(rest, apparmor::abstractions());
            if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close));
            continue;
          }
        }
        std::string inc = "abstractions/" + file;
        if (std::find(p.includes.begin(), p.includes.end(), inc) == p.includes.end()) p.includes.push_back(inc);
      }
      return;
    }
    if (kw == "variable") {
      const ast::Word *nw = x.nameWord();
      if (!nw || nw->kind != ast::Word::Kind::Name || nw->text.find('.') != std::string::npos) {
        diags_.report(DiagKind::AppArmorBadRule, x.range, "expected `variable NAME \"value\", …`");
        return;
      }
      if (pc.hasVariable(nw->text)) {
        diags_.report(DiagKind::AppArmorBadRule, nw->range, fmt::format("variable `@{{{}}}` is already defined", nw->text));
        return;
      }
      std::vector<std::string> values;
      for (size_t k = 1; k < ws.size(); ++k) {
        if (!pc.path(*ws[k], "a value")) return;
        values.push_back(ws[k]->text);
      }
      if (values.empty()) {
        diags_.report(DiagKind::AppArmorBadRule, x.range, fmt::format("variable `{}` needs at least one value", nw->text));
        return;
      }
      p.variables.emplace_back(nw->text, std::move(values));
      return;
    }
  };
  walkBlock(*d.body, BlockKind::AppArmorProfile, "an AppArmor profile", h);
  std::sort(p.flags.begin(), p.flags.end());
  if (d.body->items.empty())
    diags_.report(DiagKind::AppArmorEmptyProfile, name->second, p.name)
        .note("an empty profile denies everything; write the rules the program needs, e.g. `include abstractions.base`");
  program_.apparmor.profiles.push_back(std::move(p));
  return true;
}

} // namespace rig::sema
