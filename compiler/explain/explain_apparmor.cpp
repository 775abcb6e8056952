// `rig explain`: the AppArmor profiles rig declares, what each allows and
// denies in brief, which containers run under it, and how it reaches nodes.
#include "compiler/explain/explain_parts.h"

#include <fmt/format.h>

namespace rig::explain_parts {

namespace {

using Rule = model::AppArmorRule;
using Class = model::AppArmorRule::Class;

std::string joined(const std::vector<std::string> &v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}

void addUnique(std::vector<std::string> &v, const std::string &s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

} // namespace

std::string appArmorSection(const model::Program &program) {
  if (program.apparmor.profiles.empty()) return "";
  std::string out = "apparmor profiles:\n";
  for (const model::AppArmorProfile &p : program.apparmor.profiles) {
    bool complain = std::find(p.flags.begin(), p.flags.end(), "complain") != p.flags.end();
    out += fmt::format("  {} ({}) -> apparmor/{}\n", p.name, complain ? "complain mode: violations are logged, not blocked" : "enforce mode", p.name);
    if (!p.flags.empty()) out += fmt::format("    flags: {}\n", joined(p.flags));
    if (!p.includes.empty()) out += fmt::format("    includes: {} (their rules add to the allow set)\n", joined(p.includes));
    std::vector<std::string> capsAllowed, capsDenied, execAllowed, execDenied, writes, writeDenied, network, other;
    for (const Rule &r : p.rules) {
      switch (r.cls) {
      case Class::Capability:
        for (const std::string &n : r.names.empty() ? std::vector<std::string>{"all"} : r.names) addUnique(r.deny ? capsDenied : capsAllowed, n);
        break;
      case Class::File:
        if (!r.exec.empty()) addUnique(r.deny ? execDenied : execAllowed, r.deny ? r.path : r.path + " (" + r.exec + ")");
        if (r.perms.find_first_of("wa") != std::string::npos) addUnique(r.deny ? writeDenied : writes, (r.owner ? "owner " : "") + r.path);
        break;
      case Class::Network:
        addUnique(network, fmt::format("{}{}", r.deny ? "deny " : "", r.domain.empty() && r.type.empty() ? "all" : (r.domain + (r.domain.empty() || r.type.empty() ? "" : " ") + r.type)));
        break;
      default: {
        static const char *names[] = {"file", "capability", "network", "mount", "remount", "umount", "pivot_root", "ptrace", "signal", "unix", "change_profile"};
        addUnique(other, fmt::format("{}{}", r.deny ? "deny " : "", names[static_cast<int>(r.cls)]));
      }
      }
    }
    auto line = [&](const char *what, const std::vector<std::string> &v) {
      if (!v.empty()) out += fmt::format("    {}: {}\n", what, joined(v));
    };
    line("capabilities allowed", capsAllowed);
    line("capabilities denied", capsDenied);
    line("may execute", execAllowed);
    line("may not execute", execDenied);
    line("may write", writes);
    line("may not write", writeDenied);
    line("network", network);
    line("other rules", other);
    std::vector<std::string> users;
    for (const model::Workload &w : program.workloads)
      for (const auto *list : {&w.pod.initContainers, &w.pod.containers})
        for (const model::Container &c : *list) {
          const auto &ref = c.security->appArmor ? c.security->appArmor : w.pod.security->appArmor;
          if (ref && ref->kind == model::AppArmorRef::Kind::Localhost && ref->profile == p.name)
            users.push_back(fmt::format("{} {}/{}", model::workloadKeyword(w.kind).str(), w.name, c.name));
        }
    line("confines", users);
  }
  out += "  loaded on nodes by: DaemonSet kube-system/rig-apparmor-loader with ConfigMap kube-system/rig-apparmor-profiles "
         "(apparmor_parser --replace; Ready once loaded; left out with --no-apparmor-loader)\n";
  return out;
}

} // namespace rig::explain_parts
