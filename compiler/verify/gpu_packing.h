// GPU placement without a solver: the pods that need GPUs, the nodes of the
// inventory with their free devices, a first-fit-decreasing placer, and an
// independent checker of any placement. A placement the checker accepts is a
// proof that everything fits; a greedy failure proves nothing (the solver
// in placement.cpp decides then).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/model/model.h"

namespace rig::verify::gpu {

// One request of one pod: the model's request plus its class.
struct PodRequest {
  const model::GpuRequest *request = nullptr;
  const model::DeviceClass *cls = nullptr;
  const model::MigProfile *mig = nullptr; // MIG instances instead of full GPUs
  const model::Workload *owner = nullptr; // whose pod asks (null for a shared claim)
  int podIndex = 0;
  const model::SharedClaim *claim = nullptr; // a shared ResourceClaim, placed once
};

// What must land on one node: one pod and its requests, or — when pods share
// a ResourceClaim, whose devices are on one node — all those pods together
// with the claim placed once.
struct Pod {
  const model::Workload *workload = nullptr; // the first member's
  int index = 0; // 0-based pod number within the workload
  size_t members = 1; // pods in this unit
  std::vector<std::pair<const model::Workload *, int>> memberPods; // (workload, pod index)
  // The pods' node selectors, on the label keys the inventory knows (a key
  // no node declares says nothing rig can check).
  std::map<std::string, std::string> selector;
  std::vector<PodRequest> requests;
  int64_t fullGpus() const;       // full GPUs over all requests
  int64_t migComputeSlices() const;
};

// One node of the inventory.
struct Node {
  std::string name;
  const model::NodeShape *shape = nullptr;
  size_t shapeIndex = 0; // index into the distinct shapes of the cluster
};

// Where one request of one pod went.
struct Assignment {
  size_t pod = 0, request = 0;
  size_t node = 0;
  std::vector<int> gpus;   // full GPUs: their indexes; MIG: the GPU of each instance
  std::vector<int> starts; // MIG: the start memory slice of each instance
};

struct Placement {
  std::vector<Assignment> assignments;
  std::vector<size_t> podNode; // per pod
};

// The pods of every workload with GPU requests (replicas count); DaemonSets
// and requests whose class is unknown are left out.
std::vector<Pod> collectPods(const model::Program &program);
int64_t podsOf(const model::Workload &w);
// Every node of the cluster, and the distinct shapes (identical node
// descriptions collapse into one shape).
std::vector<Node> expandNodes(const model::Cluster &cluster, std::vector<const model::NodeShape *> &shapes);
bool sameShape(const model::NodeShape &a, const model::NodeShape &b);

// Whether an empty node of `shape` holds the whole pod (decided exactly,
// node_packing.h).
bool podFitsEmptyShape(const Pod &pod, const model::NodeShape &shape);

// First-fit decreasing over the nodes; false when it finds no placement.
bool greedyPlace(const std::vector<Pod> &pods, const std::vector<Node> &nodes, Placement &out);

// Depth-first search over pod-to-node choices for what first-fit misses:
// identical nodes in identical states are tried once, interchangeable pods
// take nodes in increasing order. Stops after `stepLimit` nodes looked at
// (then `limitHit`). Finding nothing proves nothing: within a node the
// devices are still chosen greedily.
bool searchPlace(const std::vector<Pod> &pods, const std::vector<Node> &nodes, uint64_t stepLimit, Placement &out,
                 bool &limitHit);

// Checks a placement from scratch against every rule: classes, counts,
// exclusivity, MIG geometry, NVLink domains, PCIe roots, bandwidth, one node
// per pod. Returns "" when it holds, else what is wrong.
std::string checkPlacement(const std::vector<Pod> &pods, const std::vector<Node> &nodes, const Placement &p);

} // namespace rig::verify::gpu
