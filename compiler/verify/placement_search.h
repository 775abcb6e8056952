// The complete placement search: Z3 over node shapes × node configurations
// (solver-notes.md, "GPU placement"). Pods with the same footprint (the
// same requests as far as a node can tell, and the same shapes that can run
// them) are one kind; a configuration is a maximal multiset of kinds that
// fits on one node of a shape, decided exactly by node_packing.h (NVLink
// domains, PCIe roots, MIG slice geometry included). The integer program
//   Σ_c x[s][c] ≤ nodes of shape s          (tracked per shape)
//   Σ_{s,c} mult(c, t) · x[s][c] ≥ pods of t (tracked per kind)
// has a solution iff a placement exists (a subset of a configuration fits
// too). A model is decoded into a placement with concrete devices, for the
// caller to check independently; an unsat core names the kinds and shapes
// involved.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/verify/gpu_packing.h"
#include "compiler/verify/solver.h"

namespace rig::verify::gpu {

struct SearchOutcome {
  SolverResult result = SolverResult::Unknown;
  Placement placement;           // Sat
  std::vector<size_t> coreUnits; // Unsat: the pods whose kinds are in the core
  std::vector<size_t> coreShapes; // Unsat: the shapes whose node counts are in the core
  std::string why;               // Timeout/Unknown: what stopped the search
  size_t kinds = 0, configurations = 0;
};

// `shapeCount`: the distinct shapes expandNodes() found.
SearchOutcome solvePlacement(const std::vector<Pod> &pods, const std::vector<Node> &nodes, size_t shapeCount,
                             const VerifyOptions &opts);

} // namespace rig::verify::gpu
