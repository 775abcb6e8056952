// `rig explain`: the GPU section — what each device class selects and how it
// shares, what each request emits and what only rig proves, the cluster, and
// the placement the proof found (or why there is none).
#include <fmt/format.h>

#include "compiler/explain/explain_parts.h"

namespace rig::explain_parts {

namespace {

std::string classLine(const model::DeviceClass &c) {
  std::string sel = c.migProfile.empty() ? "full GPUs" : fmt::format("MIG `{}` instances", c.migProfile);
  if (!c.model.empty()) sel += fmt::format(", productName \"{}\"", c.model);
  if (!c.architecture.empty()) sel += fmt::format(", architecture \"{}\"", c.architecture);
  if (c.minMemory) sel += fmt::format(", memory >= {}", c.minMemory->canonical());
  std::string sharing = "exclusive: each device belongs to one claim";
  if (c.sharing == model::GpuSharing::TimeSlicing)
    sharing = fmt::format("time-sliced ({} interval) among the containers of one claim{}", c.interval.empty() ? "Default" : c.interval,
                          c.replicas ? fmt::format(", at most {} (checked by rig; DRA has no replica count)", *c.replicas) : "");
  return fmt::format("  class {}: {} of driver {}; {}\n", c.name, sel, c.driver, sharing);
}

std::string shapeLine(const model::NodeShape &s) {
  std::string line = fmt::format("{} × {}", s.gpus, s.model.empty() ? std::string("GPU") : s.model);
  if (s.memory) line += fmt::format(" {}", s.memory->canonical());
  if (s.mig) line += ", MIG mode";
  if (s.nvlinkDomainSize > 1) line += fmt::format(", NVLink domains of {} at {} GB/s", s.nvlinkDomainSize, s.linkBandwidthGBps);
  else line += ", no NVLink";
  if (s.pcieRootSize > 1) line += fmt::format(", {} GPUs per PCIe root", s.pcieRootSize);
  return line;
}

} // namespace

std::string deviceSection(const model::Program &program, const verify::VerifyResult &verified) {
  const model::DeviceModel &dm = program.devices;
  bool anyRequest = false;
  for (const model::Workload &w : program.workloads) anyRequest |= !w.gpus.empty();
  if (dm.classes.empty() && !anyRequest && !dm.cluster) return "";
  std::string out = "gpus:\n";
  llvm::StringRef api = k8s::draApi(program.target);
  if (!api.empty())
    out += fmt::format("  api: {}{}\n", api.str(),
                       k8s::available(k8s::Feature::DynamicResourceAllocation, program.target)
                           ? ""
                           : fmt::format(" (the cluster needs --feature-gates=DynamicResourceAllocation=true on every component and "
                                         "--runtime-config={}=true)",
                                         api.str()));
  for (const model::DeviceClass &c : dm.classes) out += classLine(c);
  for (const model::SharedClaim &c : dm.claims)
    out += fmt::format("  shared claim {}{}: {} × class {}, ResourceClaim allocated once; every pod using it runs on the node of its devices\n",
                       c.ns.empty() ? "" : c.ns + "/", c.name, c.request.count, c.request.className);
  for (const model::Workload &w : program.workloads)
    for (const model::GpuRequest &r : w.gpus) {
      std::string users;
      for (const std::string &u : r.users) users += (users.empty() ? "" : ", ") + u;
      if (!r.sharedClaim.empty()) {
        out += fmt::format("  request {}/{}: the shared claim {}, used by {}\n", w.name, r.name, r.sharedClaim,
                           users.empty() ? "no container" : users);
        continue;
      }
      out += fmt::format("  request {}/{}: {} × class {} per pod, claim template {}, used by {}\n", w.name, r.name, r.count,
                         r.className, r.templateName, users.empty() ? "no container" : users);
      if (r.sameNode || r.count > 1)
        out += "    same node: always (a node-local driver allocates a pod's devices on the pod's node)\n";
      if (r.samePcieRoot)
        out += k8s::draPcieRootPublished(program.target) ? "    same PCIe root: matchAttribute resource.kubernetes.io/pcieRoot, and proved by rig\n"
                                                     : "    same PCIe root: proved by rig only (the 1.31 driver publishes no pcieRoot)\n";
      if (r.sameNvlinkDomain || r.minBandwidthGBps > 0) {
        std::string what = r.sameNvlinkDomain ? "one NVLink domain" : "";
        if (r.minBandwidthGBps > 0) what += fmt::format("{}>= {} GB/s per GPU", what.empty() ? "" : ", ", r.minBandwidthGBps);
        std::string sel;
        for (const auto &[k, v] : w.pod.nodeSelector) sel += fmt::format("{}{}={}", sel.empty() ? "" : ", ", k, v);
        out += fmt::format("    {}: no Kubernetes API expresses this; proved by rig against the cluster inventory{}\n", what,
                           sel.empty() ? std::string(dm.cluster ? "" : " (no cluster declared: not proved)")
                                       : fmt::format(", and the pod is confined to the proved node shapes by nodeSelector {}", sel));
      }
    }
  if (dm.cluster) {
    out += fmt::format("  cluster {}: {} nodes\n", dm.cluster->name, dm.cluster->nodeCount());
    for (const model::NodeGroup &g : dm.cluster->groups)
      out += fmt::format("    {}{}: {}\n", g.written, g.shapeRef.empty() ? "" : " = " + g.shapeRef, shapeLine(g.shape));
  }
  const verify::GpuPlacement &p = verified.placement;
  switch (p.status) {
  case verify::GpuPlacement::Status::NotChecked:
    if (anyRequest) out += "  placement: not proved (declare a `cluster` to prove it)\n";
    break;
  case verify::GpuPlacement::Status::Proven:
    out += fmt::format("  placement on {}: fits ({})\n", p.cluster, p.method);
    for (const std::string &l : p.lines) out += "    " + l + "\n";
    break;
  case verify::GpuPlacement::Status::Refuted:
    out += fmt::format("  placement on {}: impossible ({}): {}\n", p.cluster, p.method, p.reason);
    break;
  case verify::GpuPlacement::Status::Inconclusive:
    out += fmt::format("  placement on {}: inconclusive ({}): {}\n", p.cluster, p.method, p.reason);
    break;
  }
  return out;
}

} // namespace rig::explain_parts
