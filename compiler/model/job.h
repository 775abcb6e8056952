// Jobs: failure rules (`podFailurePolicy`), per-index backoff and the success
// policy. The checker fills these; the emitter, the verifier and explain read
// them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/source/source_manager.h"

namespace rig::model {

enum class FailureAction { FailJob, FailIndex, Ignore, Count };
// The API's spelling: FailJob, FailIndex, Ignore, Count.
const char *failureActionApiName(FailureAction a);
// rig's spelling: fail_job, fail_index, ignore, count.
const char *failureActionRigName(FailureAction a);

// An inclusive range of exit codes.
struct ExitRange {
  int lo = 0, hi = 0;
  friend bool operator==(const ExitRange &a, const ExitRange &b) { return a.lo == b.lo && a.hi == b.hi; }
};

struct FailureRule {
  enum class Match { ExitCodes, Conditions } match = Match::ExitCodes;
  bool notIn = false;
  // The values as the API wants them: sorted, unique (0 only with `not in`).
  std::vector<int> values;
  std::string container;                // Kubernetes name; "" = any container
  std::vector<std::string> conditions;  // pod condition types (status True)
  FailureAction action = FailureAction::Count;
  SourceRange range;
  SourceRange containerRange;
  SourceRange actionRange;
  SourceRange afterMatch; // where ` in <container>` would go (an empty range)

  // The exit codes (1..255) this rule matches on a container it looks at,
  // as sorted disjoint ranges: `values` for `in`, their complement for `not in`.
  std::vector<ExitRange> matchedCodes() const;
};

struct SuccessRule {
  std::string succeededIndexes; // "0,2-5" as the API spells it; "" when unset
  std::optional<int64_t> succeededCount;
  SourceRange range;
};

// Where each job field was written, for diagnostics that relate fields.
struct JobFieldRanges {
  SourceRange completions, parallelism, completionMode, backoffLimitPerIndex, maxFailedIndexes, successPolicy,
      podReplacementPolicy, schedule, timeZone;
};

} // namespace rig::model
