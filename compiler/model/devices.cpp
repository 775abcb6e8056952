#include "compiler/model/devices.h"

#include "compiler/model/model.h"

#include <fmt/format.h>

namespace rig::model {

llvm::ArrayRef<MigProfile> h100MigProfiles() {
  // `nvidia-smi mig -lgipp` on an H100 80 GB (reference §8.1). The media
  // extension profile `1g.10gb+me` is left out: the driver names it the same
  // way but at most one fits, and rig has no selector for media engines yet.
  static const std::vector<MigProfile> profiles = {
      {"1g.10gb", 1, 1, 7, {0, 1, 2, 3, 4, 5, 6}},
      {"1g.20gb", 2, 1, 4, {0, 2, 4, 6}},
      {"2g.20gb", 2, 2, 3, {0, 2, 4}},
      {"3g.40gb", 4, 3, 2, {0, 4}},
      {"4g.40gb", 4, 4, 1, {0}},
      {"7g.80gb", 8, 7, 1, {0}},
  };
  return profiles;
}

const MigProfile *findMigProfile(llvm::StringRef name) {
  for (const MigProfile &p : h100MigProfiles())
    if (p.name == name) return &p;
  return nullptr;
}

bool classMatchesShape(const DeviceClass &cls, const NodeShape &shape) {
  if (shape.gpus <= 0) return false;
  if (!cls.model.empty() && cls.model != shape.model) return false;
  if (!cls.architecture.empty() && cls.architecture != shape.architecture) return false;
  if (cls.minMemory && (!shape.memory || shape.memory->compare(*cls.minMemory) < 0)) return false;
  // A GPU in MIG mode offers only its instances, one out of MIG mode only
  // itself (reference §8.1).
  return cls.migProfile.empty() ? !shape.mig : shape.mig;
}

} // namespace rig::model

namespace rig::model {

bool requestFitsShape(const GpuRequest &r, const DeviceClass &cls, const NodeShape &shape) {
  if (!classMatchesShape(cls, shape)) return false;
  if (!cls.migProfile.empty()) {
    // MIG instances have no NVLink; the checker already refused the
    // combination, so only capacity decides here.
    const MigProfile *p = findMigProfile(cls.migProfile);
    return p && r.count <= shape.gpus * p->maxPerGpu && !r.sameNvlinkDomain && r.minBandwidthGBps == 0;
  }
  if (r.count > shape.gpus) return false;
  if (r.minBandwidthGBps > 0 && (shape.linkBandwidthGBps < r.minBandwidthGBps || shape.nvlinkDomainSize < 2))
    return false;
  if (r.sameNvlinkDomain && r.count > shape.nvlinkDomainSize) return false;
  if (r.samePcieRoot && r.count > shape.pcieRootSize) return false;
  return true;
}

} // namespace rig::model

namespace rig::model {

int64_t concurrentPods(const Workload &w) {
  switch (w.kind) {
  case WorkloadKind::Deployment:
  case WorkloadKind::StatefulSet: return w.replicas.value_or(1);
  case WorkloadKind::Job:
  case WorkloadKind::CronJob: {
    int64_t n = w.job->parallelism.value_or(1);
    if (w.job->completions) n = std::min(n, *w.job->completions);
    return n;
  }
  case WorkloadKind::DaemonSet: return 0;
  case WorkloadKind::Pod: return 1;
  }
  return 1;
}

} // namespace rig::model

namespace rig::model {

namespace {
std::string requestLine(const GpuRequest &r) {
  std::string line = fmt::format("count={} class={}", r.count, r.className);
  if (r.sameNode) line += " same=node";
  if (r.sameNvlinkDomain) line += " same=nvlink_domain";
  if (r.samePcieRoot) line += " same=pcie_root";
  if (r.minBandwidthGBps) line += fmt::format(" min_bandwidth={}GB/s", r.minBandwidthGBps);
  return line;
}
} // namespace

std::string dumpGpuRequests(const std::vector<GpuRequest> &gpus) {
  std::string out;
  for (const GpuRequest &r : gpus)
    out += r.sharedClaim.empty() ? fmt::format("  gpus {} {} template={}\n", r.name, requestLine(r), r.templateName)
                                 : fmt::format("  gpus {} claim={} {}\n", r.name, r.sharedClaim, requestLine(r));
  return out;
}

std::string dumpDevices(const DeviceModel &dm) {
  std::string out;
  for (const DeviceClass &c : dm.classes) {
    out += fmt::format("DeviceClass {} driver={}", c.name, c.driver);
    if (!c.model.empty()) out += fmt::format(" model=\"{}\"", c.model);
    if (!c.architecture.empty()) out += fmt::format(" architecture=\"{}\"", c.architecture);
    if (c.minMemory) out += fmt::format(" min_memory={}", c.minMemory->canonical());
    if (!c.migProfile.empty()) out += fmt::format(" mig={}", c.migProfile);
    if (c.sharing == GpuSharing::TimeSlicing) out += " sharing=time_slicing";
    if (c.replicas) out += fmt::format(" replicas={}", *c.replicas);
    out += "\n";
  }
  for (const SharedClaim &c : dm.claims)
    out += fmt::format("ResourceClaim {}{} {}\n", c.ns.empty() ? "" : c.ns + "/", c.name, requestLine(c.request));
  if (dm.cluster) {
    out += fmt::format("cluster {} nodes={}\n", dm.cluster->name, dm.cluster->nodeCount());
    for (const NodeGroup &g : dm.cluster->groups) {
      const NodeShape &s = g.shape;
      out += fmt::format("  node {} gpus={} model=\"{}\" nvlink_domain={} link={}GB/s pcie_root={}{}\n", g.written, s.gpus, s.model,
                         s.nvlinkDomainSize, s.linkBandwidthGBps, s.pcieRootSize, s.mig ? " mig" : "");
    }
  }
  return out;
}

} // namespace rig::model
