// `rig explain` for jobs: the failure rules' decision table (which failures
// reach each action, which fall to the default) and what the job's outcome
// is under backoff limits, per-index backoff and the success policy.
#include <fmt/format.h>

#include "compiler/explain/explain_parts.h"

namespace rig::explain_parts {

namespace {

std::string rangesText(const std::vector<model::ExitRange> &ranges) {
  std::string s;
  for (const model::ExitRange &r : ranges) {
    if (!s.empty()) s += ", ";
    s += r.lo == r.hi ? fmt::format("{}", r.lo) : fmt::format("{}..{}", r.lo, r.hi);
  }
  return s;
}

// 21600 -> "6h", 90 -> "90s": as a rig duration reads.
std::string durationText(int64_t s) {
  if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
  if (s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

std::string actionMeaning(model::FailureAction a, const model::JobSpec &j) {
  switch (a) {
  case model::FailureAction::FailJob: return "the job fails at once (reason `PodFailurePolicy`); running pods are terminated";
  case model::FailureAction::FailIndex: return "the pod's index fails at once, without further retries; other indexes keep running";
  case model::FailureAction::Ignore: return "not counted toward any limit; a replacement pod is created";
  case model::FailureAction::Count:
    return j.backoffLimitPerIndex ? "counted toward `backoff_limit_per_index` (and `backoff_limit`)" : "counted toward `backoff_limit`";
  }
  return "";
}

std::string outcome(const model::Workload &w) {
  const model::JobSpec &j = *w.job;
  std::string out = "  outcome:\n";
  bool anyFailJob = false, anyFailIndex = false;
  for (const model::FailureRule &r : j.failureRules) {
    anyFailJob |= r.action == model::FailureAction::FailJob;
    anyFailIndex |= r.action == model::FailureAction::FailIndex;
  }
  if (anyFailJob) out += "    a `fail_job` failure fails the whole job at once (reason `PodFailurePolicy`)\n";
  if (j.backoffLimitPerIndex) {
    int64_t per = *j.backoffLimitPerIndex;
    out += fmt::format("    per index: an index fails after {} counted failure{} (`backoff_limit_per_index = {}`){}\n", per + 1,
                       per + 1 == 1 ? "" : "s", per, anyFailIndex ? ", or at once on a `fail_index` failure" : "");
    out += "    a failed index is not retried; the other indexes keep running\n";
    if (j.maxFailedIndexes)
      out += fmt::format("    more than {} failed index{} (`max_failed_indexes`): the job fails at once (reason `MaxFailedIndexesExceeded`)\n",
                         *j.maxFailedIndexes, *j.maxFailedIndexes == 1 ? "" : "es");
    if (j.backoffLimit)
      out += fmt::format("    `backoff_limit = {}` still counts failures across all indexes: failure {} fails the job (reason `BackoffLimitExceeded`)\n",
                         *j.backoffLimit, *j.backoffLimit + 1);
    out += "    when every index has finished and any index failed, the job ends `Failed` (reason `FailedIndexes`),\n"
           "    however many indexes succeeded\n";
  } else {
    int64_t limit = j.backoffLimit.value_or(6);
    out += fmt::format("    counted failures: failure {} fails the job (reason `BackoffLimitExceeded`; `backoff_limit = {}`{})\n", limit + 1,
                       limit, j.backoffLimit ? "" : ", the default");
    if (w.pod.restartPolicy == "OnFailure")
      out += "    with `restart_policy = OnFailure` containers restart in place, and each restart counts as a failure\n";
  }
  if (j.activeDeadlineSeconds)
    out += fmt::format("    after {} the job fails whatever its pods do (reason `DeadlineExceeded`)\n", durationText(*j.activeDeadlineSeconds));
  if (!j.successRules.empty()) {
    out += "    success policy (failure policies are evaluated first): the job succeeds (`SuccessCriteriaMet`, then `Complete`) as soon as\n";
    for (const model::SuccessRule &r : j.successRules) {
      std::string what;
      if (!r.succeededIndexes.empty() && r.succeededCount)
        what = fmt::format("at least {} of the indexes {} have succeeded", *r.succeededCount, r.succeededIndexes);
      else if (!r.succeededIndexes.empty())
        what = fmt::format("the indexes {} have all succeeded", r.succeededIndexes);
      else
        what = fmt::format("at least {} index{} have succeeded", *r.succeededCount, *r.succeededCount == 1 ? "" : "es");
      out += fmt::format("      - {}\n", what);
    }
  } else if (j.indexed()) {
    out += fmt::format("    the job succeeds when all {} indexes have succeeded\n", j.completions.value_or(0));
  } else {
    out += fmt::format("    the job succeeds after {} successful pod{}\n", j.completions.value_or(1), j.completions.value_or(1) == 1 ? "" : "s");
  }
  return out;
}

} // namespace

std::string jobSection(const model::Workload &w, const verify::VerifyResult &verified) {
  if (w.kind != model::WorkloadKind::Job && w.kind != model::WorkloadKind::CronJob) return "";
  const model::JobSpec &j = *w.job;
  std::string out;
  if (w.kind == model::WorkloadKind::CronJob && !w.cron->schedule.empty())
    out += fmt::format("  schedule: `{}`{}{}\n", w.cron->schedule, w.cron->timeZone.empty() ? " (the controller's time zone)" : " in " + w.cron->timeZone,
                       w.cron->concurrencyPolicy.empty() ? "" : ", concurrency " + w.cron->concurrencyPolicy);
  if (!j.failureRules.empty()) {
    std::string key = verify::workloadKey(w);
    const verify::FailureRuleAnalysis *a = nullptr;
    for (const verify::FailureRuleAnalysis &x : verified.failureRules)
      if (x.workloadKey == key) a = &x;
    out += "  failure rules (first match decides; exit codes of every container, sidecars and init containers included):\n";
    for (size_t i = 0; i < j.failureRules.size(); ++i)
      out += fmt::format("    {}. {}\n", i + 1, verify::describeRule(j.failureRules[i]));
    if (a) {
      out += "  decision table (a failure of one container, or one condition):\n";
      static const model::FailureAction order[] = {model::FailureAction::FailJob, model::FailureAction::FailIndex, model::FailureAction::Ignore,
                                                   model::FailureAction::Count};
      for (model::FailureAction act : order) {
        std::string lines;
        for (size_t i = 0; i < j.failureRules.size(); ++i) {
          if (j.failureRules[i].action != act) continue;
          const verify::FailureRuleAnalysis::Rule &r = a->rules[i];
          if (!r.reachable) {
            lines += fmt::format("      rule {}: never (shadowed)\n", i + 1);
            continue;
          }
          for (const verify::ContainerCodes &c : r.decides) lines += fmt::format("      rule {}: exit {} in {}\n", i + 1, rangesText(c.codes), c.container);
          for (const std::string &c : r.conditions) lines += fmt::format("      rule {}: condition {}\n", i + 1, c);
        }
        if (!lines.empty()) out += fmt::format("    {} — {}:\n{}", model::failureActionRigName(act), actionMeaning(act, j), lines);
      }
      if (a->uncovered.empty() && a->uncoveredConditions.empty()) {
        out += "    no rule (default, counted): nothing; every failure is decided by a rule\n";
      } else {
        out += fmt::format("    no rule (default) — {}:\n", actionMeaning(model::FailureAction::Count, j));
        for (const verify::ContainerCodes &c : a->uncovered) out += fmt::format("      exit {} in {}\n", rangesText(c.codes), c.container);
        for (const std::string &c : a->uncoveredConditions) out += fmt::format("      condition {} (with no failed container)\n", c);
      }
      out += "    a failure of several containers goes to the first rule any of them matches\n";
      if (!a->conclusive) out += fmt::format("    (analysis inconclusive: {})\n", a->inconclusiveReason);
    }
  }
  out += outcome(w);
  return out;
}

} // namespace rig::explain_parts
