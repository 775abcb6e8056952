// Jobs' failure rules (`on exit … => action`) and the API's validation of
// podFailurePolicy and per-index backoff.
#include "compiler/check/checker.h"

namespace rig::sema {

void Checker::checkFailureRule(const ast::FailureRule &rule, model::Workload &w) {
  (void)w;
  diags_.report(DiagKind::UnsupportedConstruct, rule.range, "a failure rule (`podFailurePolicy`)");
}

void Checker::finishJob(model::Workload &w) { (void)w; }

} // namespace rig::sema
