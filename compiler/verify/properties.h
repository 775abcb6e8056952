// The solver-checked properties, one file each. Internal to the verify
// layer; verify.cpp runs them in order. Z3 stays behind solver.h.
#pragma once

#include "compiler/verify/verify.h"

namespace rig::verify {

// Failure rules: shadowed rules, overlaps with different actions, uncovered
// failures (failure_rules.cpp).
void verifyFailureRules(const model::Program &program, Diagnostics &diags, const VerifyOptions &opts, VerifyResult &result);
class Solver;
// One job's rules, in `solver` (reused across jobs; the job's assertions
// are popped again).
FailureRuleAnalysis analyzeFailureRules(const model::Workload &w, Solver &solver);

// GPU placement of every request on the declared cluster (placement.cpp).
void verifyPlacement(const model::Program &program, Diagnostics &diags, const VerifyOptions &opts, VerifyResult &result);

} // namespace rig::verify
