#include "compiler/model/job.h"

namespace rig::model {

const char *failureActionApiName(FailureAction a) {
  switch (a) {
  case FailureAction::FailJob: return "FailJob";
  case FailureAction::FailIndex: return "FailIndex";
  case FailureAction::Ignore: return "Ignore";
  case FailureAction::Count: return "Count";
  }
  return "Count";
}

const char *failureActionRigName(FailureAction a) {
  switch (a) {
  case FailureAction::FailJob: return "fail_job";
  case FailureAction::FailIndex: return "fail_index";
  case FailureAction::Ignore: return "ignore";
  case FailureAction::Count: return "count";
  }
  return "count";
}

std::vector<ExitRange> FailureRule::matchedCodes() const {
  std::vector<ExitRange> out;
  if (match != Match::ExitCodes) return out;
  if (!notIn) {
    for (int v : values) {
      if (v < 1 || v > 255) continue;
      if (!out.empty() && out.back().hi + 1 == v) out.back().hi = v;
      else out.push_back({v, v});
    }
    return out;
  }
  // Exit code 0 is never examined, so `not in` ranges over 1..255.
  int next = 1;
  for (int v : values) {
    if (v < next) continue;
    if (v > 255) break;
    if (v > next) out.push_back({next, v - 1});
    next = v + 1;
  }
  if (next <= 255) out.push_back({next, 255});
  return out;
}

} // namespace rig::model
