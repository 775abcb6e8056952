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

namespace {

std::string params(const std::map<std::string, std::string> &m) {
  std::string s;
  for (const auto &[k, v] : m) s += fmt::format(" {}={}", k, v);
  return s;
}

std::string dumpClaim(const Claim &c) {
  std::string modes;
  for (const std::string &m : c.accessModes) modes += (modes.empty() ? "" : ",") + m;
  return fmt::format("{} size={} modes={}{}{}{}", c.name, c.size ? c.size->canonical() : "-",
                     modes, c.storageClassSet ? " class=" + c.storageClass : "",
                     c.attributesClass.empty() ? "" : " attributes=" + c.attributesClass,
                     c.volumeMode.empty() ? "" : " mode=" + c.volumeMode);
}

// Storage objects, only when there are any (keeps other dumps unchanged).
std::string dumpStorage(const StorageModel &st) {
  std::string out;
  for (const StorageClass &c : st.classes)
    out += fmt::format("StorageClass {} provisioner={}{}\n", c.name, c.provisioner, params(c.parameters));
  for (const VolumeAttributesClass &a : st.attributes)
    out += fmt::format("VolumeAttributesClass {} driver={}{}\n", a.name, a.driver, params(a.parameters));
  for (const Claim &c : st.claims) out += "PersistentVolumeClaim " + (c.ns.empty() ? "" : c.ns + "/") + dumpClaim(c) + "\n";
  if (!st.empty() && st.limits != StorageLimits::Classic) out += fmt::format("storage_limits {}\n", k8s::storageLimitsName(st.limits).str());
  return out;
}

} // namespace

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
    for (const Claim &t : w.claimTemplates) out += "  claim_template " + dumpClaim(t) + "\n";
    out += dumpGpuRequests(w.gpus);
  }
  out += dumpStorage(p.storage);
  out += dumpAppArmor(p.apparmor);
  out += dumpDevices(p.devices);
  return out;
}

} // namespace rig::model
