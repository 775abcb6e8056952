// The analysis of a job's ordered failure rules (podFailurePolicy): which
// rules can act, which failures two rules with different actions both match,
// and which failures no rule covers. Z3-free: verify.h includes it, explain reads the
// result; the analysis itself is in failure_rules.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/model/model.h"

namespace rig::verify {

// A failed pod as the job controller sees it: for each container (init
// containers and sidecars included) the exit code it terminated with, 0 when
// it did not fail (exit 0 and running containers are skipped alike), and the
// pod conditions present with status True.
struct FailedPod {
  std::vector<int> exitCodes;           // per FailureRuleSpace::containers
  std::vector<bool> conditions;         // per FailureRuleSpace::conditions
};

// The names a job's rules are judged over.
struct FailureRuleSpace {
  std::vector<std::string> containers; // Kubernetes names: init containers, then main containers
  std::vector<std::string> conditions; // condition types any rule mentions
  static FailureRuleSpace of(const model::Workload &w);
};

// Index of the first rule matching `pod`, or -1: the controller's semantics.
int firstMatchingRule(const std::vector<model::FailureRule> &rules, const FailureRuleSpace &space, const FailedPod &pod);
bool ruleMatches(const model::FailureRule &rule, const FailureRuleSpace &space, const FailedPod &pod);
// "exit 137 in `processor` and condition `DisruptionTarget`"
std::string describeFailure(const FailureRuleSpace &space, const FailedPod &pod);
// "exit 1..10 in processor => fail_job", as rig spells the rule.
std::string describeRule(const model::FailureRule &rule);

struct ContainerCodes {
  std::string container;
  std::vector<model::ExitRange> codes;
};

struct FailureRuleAnalysis {
  std::string workloadKey; // see workloadKey()
  bool conclusive = true;
  std::string inconclusiveReason;
  struct Rule {
    bool reachable = true;
    std::vector<size_t> shadowedBy; // earlier rules that together take every failure it matches
    // Failures of one container that this rule decides, per container.
    std::vector<ContainerCodes> decides;
    std::vector<std::string> conditions; // conditions alone (no failed container) it decides
  };
  std::vector<Rule> rules;
  struct Overlap {
    size_t first = 0, second = 0; // rule indexes; `first` wins
    std::string witness;          // in user terms
  };
  std::vector<Overlap> overlaps;
  // Failures of one container that no rule matches: they fall to the
  // default (counted toward the backoff limits).
  std::vector<ContainerCodes> uncovered;
  std::vector<std::string> uncoveredConditions;
};

// "job/ns/name": how explain finds a workload's analysis.
std::string workloadKey(const model::Workload &w);

} // namespace rig::verify
