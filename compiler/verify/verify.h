// Verify: solver-backed properties of the model (failure-rule overlaps, GPU
// placement, …). This header is Z3-free: Z3 is private to the verify layer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/model/model.h"
#include "compiler/verify/failure_rule_analysis.h"

namespace rig::verify {

class Interrupt; // solver.h

struct VerifyOptions {
  // Every query is bounded: `rlimit` makes the bound deterministic across
  // machines; the wall-clock timeout is only a safety net.
  unsigned timeoutMs = 5000;
  uint64_t rlimit = 50'000'000;
  unsigned seed = 0;
  // Set by a caller that may abandon the run from another thread (the
  // language server when the document changes): see solver.h.
  Interrupt *interrupt = nullptr;
};

// The GPU placement proof (placement.cpp), for `rig explain`.
struct GpuPlacement {
  enum class Status { NotChecked, Proven, Refuted, Inconclusive };
  Status status = Status::NotChecked;
  std::string cluster;
  std::string method;             // how the answer was found
  std::vector<std::string> lines; // Proven: one placement, a line per placed request
  std::string reason;             // Refuted / Inconclusive: why, in the user's terms
};

struct VerifyResult {
  unsigned propertiesChecked = 0;
  unsigned inconclusive = 0;
  std::vector<FailureRuleAnalysis> failureRules; // one per job with failure rules
  GpuPlacement placement;
};

// Checks every property the model has and reports findings as diagnostics.
VerifyResult verify(const model::Program &program, Diagnostics &diags, const VerifyOptions &opts = {});

} // namespace rig::verify
