#include "compiler/model/model.h"

#include <fmt/format.h>

namespace rig::model {

llvm::StringRef qosName(QosClass q) {
  switch (q) {
  case QosClass::BestEffort: return "BestEffort";
  case QosClass::Burstable: return "Burstable";
  case QosClass::Guaranteed: return "Guaranteed";
  }
  return "BestEffort";
}

llvm::StringRef workloadKindName(WorkloadKind k) {
  switch (k) {
  case WorkloadKind::Pod: return "Pod";
  case WorkloadKind::Deployment: return "Deployment";
  case WorkloadKind::StatefulSet: return "StatefulSet";
  case WorkloadKind::DaemonSet: return "DaemonSet";
  case WorkloadKind::Job: return "Job";
  case WorkloadKind::CronJob: return "CronJob";
  }
  return "Pod";
}

llvm::StringRef workloadKeyword(WorkloadKind k) {
  switch (k) {
  case WorkloadKind::Pod: return "pod";
  case WorkloadKind::Deployment: return "deployment";
  case WorkloadKind::StatefulSet: return "statefulset";
  case WorkloadKind::DaemonSet: return "daemonset";
  case WorkloadKind::Job: return "job";
  case WorkloadKind::CronJob: return "cronjob";
  }
  return "pod";
}

std::string dump(const Program &p) {
  std::string out = "target " + p.target.str() + "\n";
  auto container = [&](const Container &c) {
    llvm::StringRef role = c.role == ContainerRole::Sidecar ? "sidecar" : c.role == ContainerRole::Init ? "init" : "container";
    out += fmt::format("  {} {} image={}", role.str(), c.name, c.image);
    for (const auto &[k, v] : c.resources.requests) out += fmt::format(" req.{}={}", k, v.canonical());
    for (const auto &[k, v] : c.resources.limits) out += fmt::format(" lim.{}={}", k, v.canonical());
    for (const Port &port : c.ports) out += fmt::format(" port={}{}", port.name.empty() ? "" : port.name + ":", port.number);
    for (const Mount &m : c.mounts) out += fmt::format(" mount={}@{}{}", m.volume, m.path, m.readOnly ? ":ro" : "");
    for (const ClaimUse &u : c.claims) out += fmt::format(" uses={}", u.request);
    out += "\n";
  };
  for (const Workload &w : p.workloads) {
    out += fmt::format("{} {}{} qos={}\n", workloadKindName(w.kind).str(), w.ns.empty() ? "" : w.ns + "/", w.name,
                       qosName(w.pod.qos).str());
    for (const Container &c : w.pod.initContainers) container(c);
    for (const Container &c : w.pod.containers) container(c);
    for (const Volume &v : w.pod.volumes) out += fmt::format("  volume {} source={}\n", v.name, v.source);
    out += dumpGpuRequests(w.gpus);
  }
  out += dumpDevices(p.devices);
  return out;
}

} // namespace rig::model
