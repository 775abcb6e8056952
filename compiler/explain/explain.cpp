#include "compiler/explain/explain.h"

#include <fmt/format.h>

#include "compiler/explain/explain_parts.h"

namespace rig {

namespace {

std::string qosReason(const model::PodSpec &pod) {
  switch (pod.qos) {
  case model::QosClass::Guaranteed: return "every container has cpu and memory limits equal to its requests";
  case model::QosClass::BestEffort: return "no container sets cpu or memory requests or limits";
  case model::QosClass::Burstable: break;
  }
  auto full = [](const model::Container &c) {
    for (const char *r : {"cpu", "memory"}) {
      auto l = c.resources.limits.find(r);
      if (l == c.resources.limits.end()) return std::string(fmt::format("`{}` has no {} limit", c.name, r));
      auto q = c.resources.requests.find(r);
      if (q != c.resources.requests.end() && q->second.compare(l->second) != 0)
        return std::string(fmt::format("`{}` requests less {} than its limit", c.name, r));
    }
    return std::string();
  };
  for (const model::Container &c : pod.initContainers)
    if (auto why = full(c); !why.empty()) return why;
  for (const model::Container &c : pod.containers)
    if (auto why = full(c); !why.empty()) return why;
  return "requests differ from limits";
}

std::string resourcesLine(const model::Resources &r) {
  auto side = [](const FlatMap<std::string, model::ResourceAmount> &m) {
    std::string s;
    for (const auto &[k, v] : m) s += fmt::format("{}{}={}", s.empty() ? "" : " ", k, v.canonical());
    return s.empty() ? std::string("-") : s;
  };
  return fmt::format("requests {} | limits {}", side(r.requests), side(r.limits));
}

} // namespace

std::string explain(const model::Program &program, const verify::VerifyResult &verified) {
  std::string out = fmt::format("target: Kubernetes {}\n", program.target.str());
  bool appArmorField = k8s::available(k8s::Feature::AppArmorField, program.target);
  for (const model::Workload &w : program.workloads) {
    out += fmt::format("\n{} {}{}\n", model::workloadKindName(w.kind).str(), w.ns.empty() ? "" : w.ns + "/", w.name);
    out += fmt::format("  qos: {} ({})\n", model::qosName(w.pod.qos).str(), qosReason(w.pod));
    out += "  start order:\n";
    unsigned step = 1;
    for (const model::Container &c : w.pod.initContainers) {
      std::string after;
      for (const std::string &a : c.after) after += (after.empty() ? ", after " : ", ") + a;
      if (c.role == model::ContainerRole::Sidecar)
        out += fmt::format("    {}. sidecar {} (init container, restartPolicy: Always; the next starts once it is {}){}\n", step++,
                           c.name, c.startup ? "started and its startup probe passed" : "running", after);
      else
        out += fmt::format("    {}. init {} (runs to completion){}\n", step++, c.name, after);
    }
    for (const model::Container &c : w.pod.containers) out += fmt::format("    {}. container {}\n", step, c.name);
    out += "  resources:\n";
    for (const model::Container &c : w.pod.initContainers) out += fmt::format("    {}: {}\n", c.name, resourcesLine(c.resources));
    for (const model::Container &c : w.pod.containers) out += fmt::format("    {}: {}\n", c.name, resourcesLine(c.resources));
    bool anyAppArmor = w.pod.security->appArmor.has_value();
    for (const auto *list : {&w.pod.initContainers, &w.pod.containers})
      for (const model::Container &c : *list) anyAppArmor |= c.security->appArmor.has_value();
    if (anyAppArmor)
      out += fmt::format("  apparmor: emitted as {}\n", appArmorField ? "securityContext.appArmorProfile (Kubernetes 1.30+)"
                                                                     : "container.apparmor.security.beta.kubernetes.io annotations (before 1.30)");
    out += explain_parts::jobSection(w, verified);
  }
  for (const std::string &section : {explain_parts::storageSection(program), explain_parts::deviceSection(program, verified),
                                     explain_parts::appArmorSection(program)})
    if (!section.empty()) out += "\n" + section;
  out += fmt::format("\nsolver: {} properties checked{}\n", verified.propertiesChecked,
                     verified.inconclusive ? fmt::format(", {} inconclusive", verified.inconclusive) : "");
  return out;
}

} // namespace rig
