// After every file: workload references to rig-declared AppArmor profiles
// are resolved, and what no other tool checks is decided over the globs
// with automata (compiler/apparmor/glob.h), exactly:
//   - inside a profile: allow rules wholly shadowed by deny rules, and exec
//     modes that conflict on overlapping globs (apparmor_parser rejects those);
//   - between a profile and the containers it confines: added capabilities
//     it denies, commands and probes it denies executing, writable mounts
//     where it denies writing, a writable root filesystem under a profile
//     that denies every write;
//   - `unconfined` anywhere.
#include "compiler/apparmor/glob.h"
#include "compiler/apparmor/names.h"
#include "compiler/check/checker.h"

namespace rig::sema {

namespace {

using Rule = model::AppArmorRule;
using Class = model::AppArmorRule::Class;

// Where a shell looks for a command given without a path (Debian's default
// PATH for root, which container images inherit).
const char *const kPathDirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"};

// A profile's globs with its variables expanded, compiled once per rule.
class ProfileAutomata {
public:
  explicit ProfileAutomata(const model::AppArmorProfile &p) : p_(p) {}

  std::string expand(const std::string &glob) const {
    return apparmor::expandVariables(glob, [this](std::string_view name) -> const std::vector<std::string> * {
      for (auto &v : p_.variables)
        if (v.first == name) return &v.second;
      if (name == "profile_name") {
        profileName_ = {p_.name};
        return &profileName_;
      }
      return apparmor::tunableValues(llvm::StringRef(name.data(), name.size()));
    });
  }
  const apparmor::Nfa &rule(size_t i) {
    auto it = cache_.find(i);
    if (it == cache_.end()) it = cache_.emplace(i, apparmor::compileGlob(expand(p_.rules[i].path))).first;
    return it->second;
  }
  // The union of the file rules `pick` selects, or nullopt if none.
  std::optional<apparmor::Nfa> unionOf(const std::function<bool(const Rule &)> &pick) {
    std::vector<apparmor::Nfa> parts;
    for (size_t i = 0; i < p_.rules.size(); ++i)
      if (p_.rules[i].cls == Class::File && pick(p_.rules[i])) parts.push_back(rule(i));
    if (parts.empty()) return std::nullopt;
    return apparmor::unionOf(parts);
  }

private:
  const model::AppArmorProfile &p_;
  std::map<size_t, apparmor::Nfa> cache_;
  mutable std::vector<std::string> profileName_;
};

bool hasLetter(const Rule &r, char l) {
  if (l == 'x') return !r.exec.empty();
  return r.perms.find(l) != std::string::npos;
}

} // namespace

void Checker::finishAppArmor() {
  const model::AppArmorModel &aa = program_.apparmor;
  // 1. Resolve bare names to declared profiles.
  auto resolve = [&](std::optional<model::AppArmorRef> &ref) {
    if (!ref || !ref->declared) return;
    for (const model::AppArmorProfile &p : aa.profiles)
      if (p.sourceName == ref->profile) {
        ref->profile = p.name;
        ref->declared = false;
        return;
      }
    Diagnostic &d = diags_.report(DiagKind::UndefinedName, ref->range, ref->profile, "as an AppArmor profile");
    std::vector<std::string> names = {"runtime_default", "unconfined"};
    for (const model::AppArmorProfile &p : aa.profiles) names.push_back(p.sourceName);
    std::string close = closestMatch(ref->profile, names);
    if (!close.empty()) d.note(fmt::format("did you mean `{}`?", close)).fix(ref->range, close);
    else d.note(fmt::format("declare it with `apparmor {} {{ … }}`, or use a profile already loaded on the nodes with `localhost(\"{}\")`", ref->profile, ref->profile));
    ref.reset();
  };
  for (model::Workload &w : program_.workloads) {
    if (!w.hints.appArmorDeclared) continue;
    if (w.pod.security->appArmor) resolve(w.pod.security.mut().appArmor);
    for (auto *list : {&w.pod.initContainers, &w.pod.containers})
      for (model::Container &c : *list)
        if (c.security->appArmor) resolve(c.security.mut().appArmor);
  }

  // 2. Inside each profile.
  for (const model::AppArmorProfile &p : aa.profiles) {
    ProfileAutomata au(p);
    bool limited = false;
    auto limit = [&](const Rule &r, const char *what) {
      if (limited) return;
      limited = true;
      diags_.report(DiagKind::AppArmorAnalysisLimit, r.pathRange, p.name, apparmor::kDefaultStateLimit, what)
          .note("globs this large can also exceed apparmor_parser's own limit on DFA states (\"Too many states\")");
    };
    // Exec modes on overlapping globs.
    for (size_t j = 0; j < p.rules.size(); ++j) {
      const Rule &b = p.rules[j];
      if (b.cls != Class::File || b.deny || b.exec.empty()) continue;
      for (size_t i = 0; i < j; ++i) {
        const Rule &a = p.rules[i];
        if (a.cls != Class::File || a.deny || a.exec.empty()) continue;
        if (a.exec == b.exec && a.target == b.target) continue;
        // A rule without wildcards wins over a wildcard rule; two of the same
        // kind conflict wherever they overlap (alternations count as plain:
        // `/usr/bin/{foo,bar} ix` + `/usr/bin/foo px` is rejected).
        if (apparmor::hasWildcard(au.expand(a.path)) != apparmor::hasWildcard(au.expand(b.path))) continue;
        apparmor::Answer ans = apparmor::findPath({&au.rule(i), &au.rule(j)});
        if (ans.verdict == apparmor::Verdict::Limit) {
          limit(b, "exec modes");
          continue;
        }
        if (ans.verdict != apparmor::Verdict::Found) continue;
        std::string witness = ans.witness;
        auto modeText = [](const Rule &r) { return r.exec + (r.target.empty() ? "" : " -> " + r.target); };
        diags_.report(DiagKind::AppArmorExecConflict, b.pathRange, modeText(a), modeText(b), witness)
            .label(a.pathRange, fmt::format("`{}` here", modeText(a)))
            .note("a path without wildcards (`*`, `?`, `[…]`) may override a wildcard rule; otherwise overlapping rules need the same exec mode");
        break;
      }
    }
    // Allow rules no path survives.
    for (size_t i = 0; i < p.rules.size(); ++i) {
      const Rule &a = p.rules[i];
      if (a.cls != Class::File || a.deny) continue;
      std::string letters = a.perms + (a.exec.empty() ? "" : "x");
      bool shadowed = !letters.empty();
      std::vector<size_t> by;
      for (char l : letters) {
        auto applies = [&](const Rule &d) { return d.deny && hasLetter(d, l) && (!d.owner || a.owner); };
        std::optional<apparmor::Nfa> denies = au.unionOf(applies);
        if (!denies) {
          shadowed = false;
          break;
        }
        apparmor::Answer ans = apparmor::findPath({&au.rule(i)}, &*denies);
        if (ans.verdict == apparmor::Verdict::Limit) {
          limit(a, "shadowed allow rules");
          shadowed = false;
          break;
        }
        if (ans.verdict == apparmor::Verdict::Found) {
          shadowed = false;
          break;
        }
        for (size_t k = 0; k < p.rules.size(); ++k)
          if (p.rules[k].cls == Class::File && applies(p.rules[k]) && std::find(by.begin(), by.end(), k) == by.end() &&
              apparmor::findPath({&au.rule(i), &au.rule(k)}).verdict == apparmor::Verdict::Found)
            by.push_back(k);
      }
      if (!shadowed) continue;
      apparmor::Answer example = apparmor::findPath({&au.rule(i)});
      if (example.verdict != apparmor::Verdict::Found) continue; // matches no canonical path at all
      std::sort(by.begin(), by.end());
      Diagnostic &d = diags_.report(DiagKind::AppArmorShadowedAllow, a.pathRange, a.path, example.witness);
      for (size_t k : by) d.label(p.rules[k].pathRange, "denied here");
      d.note("deny always wins over allow in AppArmor; remove the allow rule or narrow the deny rules");
    }
  }

  // 3. Workloads against the profiles that confine them. Only their
  // `unconfined` and Localhost refs matter (a declared one is one of those).
  for (const model::Workload &w : program_.workloads) {
    if (!w.hints.appArmorUnconfined && !(w.hints.appArmorLocalhost && !aa.profiles.empty())) continue;
    if (w.pod.security->appArmor && w.pod.security->appArmor->kind == model::AppArmorRef::Kind::Unconfined)
      diags_.report(DiagKind::AppArmorUnconfined, w.pod.security->appArmor->range,
                    fmt::format("every container of {} `{}`", model::workloadKeyword(w.kind).str(), w.sourceName));
    for (auto *list : {&w.pod.initContainers, &w.pod.containers})
      for (const model::Container &c : *list) {
        const std::optional<model::AppArmorRef> &ref = c.security->appArmor ? c.security->appArmor : w.pod.security->appArmor;
        if (c.security->appArmor && c.security->appArmor->kind == model::AppArmorRef::Kind::Unconfined)
          diags_.report(DiagKind::AppArmorUnconfined, c.security->appArmor->range, fmt::format("container `{}`", c.name));
        if (!ref || ref->kind != model::AppArmorRef::Kind::Localhost) continue;
        const model::AppArmorProfile *p = aa.find(ref->profile);
        if (!p) continue; // loaded on the nodes some other way: nothing to compare
        ProfileAutomata au(*p);

        // Capabilities the container adds and the profile denies.
        for (size_t k = 0; k < c.security->capAdd.size(); ++k) {
          std::string cap = llvm::StringRef(c.security->capAdd[k]).lower();
          for (const Rule &r : p->rules) {
            if (r.cls != Class::Capability || !r.deny) continue;
            bool all = r.names.empty() || cap == "all";
            if (!all && std::find(r.names.begin(), r.names.end(), cap) == r.names.end()) continue;
            SourceRange at = k < c.security->capAddRanges.size() ? c.security->capAddRanges[k] : c.nameRange;
            diags_.report(DiagKind::AppArmorDeniedCapability, at, c.name, c.security->capAdd[k], p->name)
                .label(r.range, "denied here")
                .note("the container gets the capability from Kubernetes, but AppArmor refuses every use of it");
            break;
          }
        }

        // Programs the container runs that the profile denies executing.
        auto deniedExec = [&](const std::string &binary, std::string &which) -> const Rule * {
          std::vector<std::string> candidates;
          if (llvm::StringRef(binary).startswith("/")) candidates.push_back(binary);
          else if (!binary.empty() && binary.find('/') == std::string::npos)
            for (const char *dir : kPathDirs) candidates.push_back(std::string(dir) + "/" + binary);
          for (const std::string &cand : candidates)
            for (size_t i = 0; i < p->rules.size(); ++i) {
              const Rule &r = p->rules[i];
              if (r.cls != Class::File || !r.deny || r.owner || r.exec.empty()) continue;
              if (apparmor::matches(au.rule(i), cand)) {
                which = cand;
                return &r;
              }
            }
          return nullptr;
        };
        auto checkRun = [&](const std::vector<std::string> &command, SourceRange at, const char *what) {
          if (command.empty()) return;
          std::string which;
          if (const Rule *r = deniedExec(command[0], which)) {
            Diagnostic &d = diags_.report(DiagKind::AppArmorDeniedExec, at.valid() ? at : c.nameRange, what, c.name,
                                          command[0], p->name);
            d.label(r->pathRange, "denied here");
            if (which != command[0]) d.note(fmt::format("`{}` is looked up on the PATH and may resolve to `{}`", command[0], which));
          }
        };
        checkRun(*c.command, c.commandRange, "the command");
        auto probe = [&](const model::Boxed<model::Probe> &pr, const char *what) {
          if (pr && pr->action.kind == model::Action::Kind::Exec) checkRun(pr->action.command, pr->action.range.valid() ? pr->action.range : pr->range, what);
        };
        probe(c.liveness, "the liveness probe");
        probe(c.readiness, "the readiness probe");
        probe(c.startup, "the startup probe");
        for (auto [hook, what] : {std::make_pair(&c.lifecycle.postStart, "the post-start hook"),
                                  std::make_pair(&c.lifecycle.preStop, "the pre-stop hook")})
          if (*hook && (*hook)->kind == model::Action::Kind::Exec) checkRun((*hook)->command, (*hook)->range, what);

        // Writes the container is set up for and the profile denies.
        std::optional<apparmor::Nfa> denyWrite = au.unionOf([](const Rule &r) { return r.deny && hasLetter(r, 'w'); });
        for (const model::Mount &m : c.mounts) {
          if (m.readOnly || !denyWrite) continue;
          const model::Volume *vol = nullptr;
          for (const model::Volume &v : w.pod.volumes)
            if (v.name == m.volume) vol = &v;
          if (vol && (vol->kind == model::Volume::Kind::ConfigMap || vol->kind == model::Volume::Kind::Secret)) continue;
          if (vol && vol->readOnly.value_or(false)) continue;
          std::string mp = m.path;
          while (mp.size() > 1 && mp.back() == '/') mp.pop_back();
          std::string base = apparmor::escapeGlob(mp == "/" ? "" : mp);
          // What the container writes lives below the mount point.
          apparmor::Nfa under = apparmor::compileGlob(base + "/**");
          apparmor::Answer ans = apparmor::findPath({&under, &*denyWrite});
          if (ans.verdict == apparmor::Verdict::Found)
            diags_.report(DiagKind::AppArmorDeniedMountWrite, m.range, c.name, m.volume, m.path, p->name, ans.witness)
                .label(ref->range, "profile used here")
                .note("mount it `readonly`, or allow writing there in the profile");
        }
        if (!c.security->readOnlyRootFilesystem.value_or(false)) {
          std::optional<apparmor::Nfa> allowWrite =
              au.unionOf([](const Rule &r) { return !r.deny && (hasLetter(r, 'w') || hasLetter(r, 'a')); });
          // Abstractions grant writes of their own (base: /dev/null, …): with
          // includes, only deny rules covering every path deny every write.
          if (!p->includes.empty())
            allowWrite = apparmor::compileGlob("/**"); // every path but `/` itself, which is never written
          bool deniesAll = !allowWrite;
          if (allowWrite) {
            apparmor::Answer ans = apparmor::findPath({&*allowWrite}, denyWrite ? &*denyWrite : nullptr);
            deniesAll = ans.verdict == apparmor::Verdict::None;
          }
          if (deniesAll)
            diags_.report(DiagKind::AppArmorWritableRoot, c.nameRange, c.name, p->name)
                .label(ref->range, "profile used here")
                .note("set `read_only_root_filesystem = true` in the container's `security` block: the profile allows no write anyway");
        }
      }
  }
}

} // namespace rig::sema
