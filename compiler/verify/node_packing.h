// Exact device choice inside one node: whether some pods' requests fit
// together on one node of a shape, and which devices they get. Unlike the
// first-fit choice in gpu_packing.cpp, every distinct choice of NVLink
// domain, PCIe root, GPU and MIG start slice is tried (states already seen
// are not tried twice), so "does not fit" is a fact, not a guess — the
// solver's node configurations (placement_search.cpp) rest on it.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/verify/gpu_packing.h"

namespace rig::verify::gpu {

enum class NodeFit { Fits, DoesNotFit, Unknown };

// Whether the pods `units` (indexes into `pods`; an index may repeat, for
// identical copies) fit together on one empty node of `shape`: node
// selectors, classes, counts, exclusivity, NVLink domains, PCIe roots,
// bandwidth, MIG geometry. Each search step spends one unit of `budget`;
// Unknown when it runs out. When `out` is given and they fit, the devices
// of each request are appended there (on node `nodeIndex`).
NodeFit packNodeExactly(const std::vector<Pod> &pods, const std::vector<size_t> &units, const model::NodeShape &shape,
                        size_t nodeIndex, uint64_t &budget, std::vector<Assignment> *out);

} // namespace rig::verify::gpu
