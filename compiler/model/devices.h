// GPUs and devices: DRA device classes, per-workload GPU requests (claim
// templates), node shapes and the cluster inventory placement is proved
// against. Part of the model (see model.h): built by check, read by verify,
// emit and explain.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/base/quantity.h"
#include "compiler/source/source_manager.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace rig::model {

// The NVIDIA DRA driver's name; its attributes live in this domain.
inline constexpr llvm::StringRef kNvidiaGpuDriver = "gpu.nvidia.com";

// One MIG profile of the H100 80 GB (reference §8.1): how many of the 8
// memory slices and 7 compute slices an instance takes, and where it may
// start.
struct MigProfile {
  llvm::StringRef name; // "3g.40gb"
  int memorySlices;
  int computeSlices;
  int maxPerGpu;
  std::vector<int> starts;
};
llvm::ArrayRef<MigProfile> h100MigProfiles();
const MigProfile *findMigProfile(llvm::StringRef name);
inline constexpr int kMigMemorySlices = 8;
inline constexpr int kMigComputeSlices = 7;

enum class GpuSharing { Exclusive, TimeSlicing };

// `device_class NAME { … }` -> DeviceClass. Every selector is a real
// attribute or capacity of the NVIDIA driver (reference §6.2).
struct DeviceClass {
  std::string name;       // Kubernetes name
  std::string sourceName; // as declared
  std::string driver = std::string(kNvidiaGpuDriver);
  std::string model;        // productName ==
  std::string architecture; // architecture ==
  std::optional<Quantity> minMemory; // capacity memory >=
  std::string migProfile;   // "" = full GPUs; otherwise type == 'mig' && profile ==
  GpuSharing sharing = GpuSharing::Exclusive;
  std::string interval;     // time-slicing interval: "" (Default) | Short | Medium | Long
  std::optional<int64_t> replicas; // time-slicing: how many containers may share one GPU
  SourceRange range, nameRange, migRange, replicasRange, intervalRange, minMemoryRange;
};

// The GPUs of one node: `node_shape NAME { … }` or a node's own body.
struct NodeShape {
  std::string name;   // shape name, or "" for an inline node description
  int64_t gpus = 0;
  std::string model, architecture;
  std::optional<Quantity> memory;
  int64_t nvlinkDomainSize = 1;    // GPUs per NVLink domain; 1 = no NVLink
  int64_t linkBandwidthGBps = 0;   // NVLink bandwidth per GPU
  int64_t pcieRootSize = 1;        // GPUs per PCIe root complex
  bool mig = false;                // GPUs in MIG mode: only MIG instances allocatable
  std::map<std::string, std::string> labels; // node labels (GFD labels derived, plus the user's)
  SourceRange range;
};

// `node dgx[1..4] = shape` or `node name { … }` in a cluster.
struct NodeGroup {
  std::string written;              // "dgx[1..4]"
  std::vector<std::string> nodes;   // dgx1 … dgx4
  NodeShape shape;
  std::string shapeRef; // `= SHAPE`: resolved after every file is read
  SourceRange range, shapeRefRange;
};

struct Cluster {
  std::string name;
  std::vector<NodeGroup> groups;
  SourceRange range, nameRange;
  int64_t nodeCount() const {
    int64_t n = 0;
    for (const NodeGroup &g : groups) n += static_cast<int64_t>(g.nodes.size());
    return n;
  }
};

// `gpus NAME { count = 8, class = h100, same nvlink_domain }` on a workload:
// one ResourceClaimTemplate (one claim per pod) with one request.
struct GpuRequest {
  std::string name;       // Kubernetes name of the request and the pod's claim entry
  std::string sourceName;
  std::string templateName; // <workload>-<request>
  std::string className;    // Kubernetes name of the device class
  int64_t count = 1;
  bool sameNode = false, sameNvlinkDomain = false, samePcieRoot = false;
  int64_t minBandwidthGBps = 0;
  std::vector<std::string> users; // containers that `uses` it
  // `gpus NAME = CLAIM`: the pods share the top-level ResourceClaim CLAIM
  // (its Kubernetes name) instead of getting one claim each from a template;
  // class, count and constraints are then the claim's.
  std::string sharedClaim;
  SourceRange range, nameRange, countRange, classRange, sameRange, bandwidthRange, claimRange;
};

// `gpu_claim NAME { count, class, same … }` at the top level: one
// ResourceClaim in the file's namespace, allocated once and shared by every
// pod whose workload says `gpus X = NAME` (how DRA time-slices one GPU among
// pods).
struct SharedClaim {
  std::string name, sourceName, ns;
  GpuRequest request; // the claim's single request, named "gpus"
  SourceRange range, nameRange;
};

// `uses NAME` in a container.
struct ClaimUse {
  std::string request; // Kubernetes name of the workload's GPU request
  SourceRange range;
};

struct DeviceModel {
  std::vector<DeviceClass> classes;
  std::vector<SharedClaim> claims;
  std::vector<NodeShape> shapes;
  std::optional<Cluster> cluster;
  const DeviceClass *findClass(llvm::StringRef name) const {
    for (const DeviceClass &c : classes)
      if (c.name == name) return &c;
    return nullptr;
  }
  const SharedClaim *findClaim(llvm::StringRef ns, llvm::StringRef name) const {
    for (const SharedClaim &c : claims)
      if (c.ns == ns && c.name == name) return &c;
    return nullptr;
  }
};

struct Workload;
// For `--dump=model` (model.cpp's dump): a workload's requests, indented,
// and the classes, claims and cluster.
std::string dumpGpuRequests(const std::vector<GpuRequest> &gpus);
std::string dumpDevices(const DeviceModel &dm);
// How many pods of a workload run at once: a deployment's or statefulset's
// replicas, a job's parallelism bounded by its completions, 1 for a pod; 0
// for a daemonset (one per node: not part of the placement proof).
int64_t concurrentPods(const Workload &w);

// Whether a GPU of `shape` is a device `cls` selects (its model,
// architecture, memory, and full GPU vs MIG instance).
bool classMatchesShape(const DeviceClass &cls, const NodeShape &shape);
// Whether one empty node of `shape` can hold request `r` on its own: the class
// matches, enough GPUs (or MIG slices), and every topology constraint.
bool requestFitsShape(const GpuRequest &r, const DeviceClass &cls, const NodeShape &shape);

} // namespace rig::model
