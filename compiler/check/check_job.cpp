// Jobs' fields, failure rules (`on exit … => action`) and the API's
// validation of podFailurePolicy, per-index backoff, the success policy and
// cron schedules (pkg/apis/batch/validation).
#include <bitset>

#include "compiler/check/checker.h"
#include "compiler/check/cron_schedule.h"
#include "compiler/k8s/names.h"

namespace rig::sema {

namespace {

constexpr size_t kMaxFailureRules = 20;
constexpr size_t kMaxExitValues = 255;
constexpr size_t kMaxConditionPatterns = 20;
constexpr int64_t kMaxIndexedParallelism = 100'000;
constexpr int64_t kMaxIndexedCompletionsWithoutLimit = 100'000;
constexpr int64_t kMaxFailedIndexesLargeJob = 10'000;
constexpr size_t kMaxSuccessRules = 20;
constexpr size_t kMaxSucceededIndexesBytes = 64 * 1024;

// Pod condition types a failed pod can carry (core/v1 PodConditionType).
// `DisruptionTarget` is the one failure rules are for.
llvm::ArrayRef<llvm::StringRef> podConditionTypes() {
  static const llvm::StringRef types[] = {"DisruptionTarget", "PodScheduled", "Initialized", "ContainersReady", "Ready",
                                          "PodReadyToStartContainers"};
  return types;
}

std::optional<model::FailureAction> parseAction(llvm::StringRef a) {
  if (a == "fail_job") return model::FailureAction::FailJob;
  if (a == "fail_index") return model::FailureAction::FailIndex;
  if (a == "ignore") return model::FailureAction::Ignore;
  if (a == "count") return model::FailureAction::Count;
  return std::nullopt;
}

bool isJob(const model::Workload &w) { return w.kind == model::WorkloadKind::Job || w.kind == model::WorkloadKind::CronJob; }

// The set of failures a rule matches, as a comparable key: two rules with
// the same key match exactly the same failures.
std::string matchKey(const model::FailureRule &r) {
  std::string key;
  if (r.match == model::FailureRule::Match::Conditions) {
    std::vector<std::string> c = r.conditions;
    std::sort(c.begin(), c.end());
    key = "cond";
    for (const std::string &s : c) key += " " + s;
    return key;
  }
  key = "exit " + r.container + ":";
  for (const model::ExitRange &x : r.matchedCodes()) key += fmt::format(" {}-{}", x.lo, x.hi);
  return key;
}

// `succeeded_indexes` as the API parses it: "0,2-5"; returns the number of
// indexes, or an error.
std::string parseSucceededIndexes(llvm::StringRef text, std::optional<int64_t> completions, int64_t &count) {
  count = 0;
  if (text.size() > kMaxSucceededIndexesBytes) return "`succeeded_indexes` is longer than 64 KiB";
  llvm::SmallVector<llvm::StringRef, 16> parts;
  text.split(parts, ',', -1, true);
  int64_t prevEnd = -1;
  for (llvm::StringRef part : parts) {
    auto [a, b] = part.split('-');
    int64_t lo = 0, hi = 0;
    if (a.empty() || a.getAsInteger(10, lo) || lo < 0) return fmt::format("`{}` in `succeeded_indexes` is not an index or a range `a-b`", part.str());
    hi = lo;
    if (part.contains('-')) {
      if (b.empty() || b.getAsInteger(10, hi) || hi < 0)
        return fmt::format("`{}` in `succeeded_indexes` is not an index or a range `a-b`", part.str());
      if (lo >= hi) return fmt::format("range `{}` in `succeeded_indexes` must have its first index below its last", part.str());
    }
    if (lo <= prevEnd) return fmt::format("`{}` in `succeeded_indexes` is not after the previous index; list them increasing, without overlaps", part.str());
    if (completions && hi >= *completions)
      return fmt::format("index {} in `succeeded_indexes` is not below `completions` ({})", hi, *completions);
    prevEnd = hi;
    count += hi - lo + 1;
  }
  return "";
}

} // namespace

bool Checker::checkJobAttribute(const ast::Attribute &a, llvm::StringRef f, const Value &v, model::Workload &w) {
  // Only Jobs and CronJobs get here: their specs are written.
  model::JobSpec &j = w.job.mut();
  model::CronJobSpec &c = w.cron.mut();
  if (f == "completions") {
    j.completions = ex_.integer(v, "`completions`", 0, INT32_MAX);
    j.ranges.completions = v.range;
  } else if (f == "parallelism") {
    j.parallelism = ex_.integer(v, "`parallelism`", 0, INT32_MAX);
    j.ranges.parallelism = v.range;
  } else if (f == "backoff_limit") {
    j.backoffLimit = ex_.integer(v, "`backoff_limit`", 0, INT32_MAX);
  } else if (f == "backoff_limit_per_index") {
    if (requireFeature(k8s::Feature::BackoffLimitPerIndex, a.range))
      j.backoffLimitPerIndex = ex_.integer(v, "`backoff_limit_per_index`", 0, INT32_MAX);
    j.ranges.backoffLimitPerIndex = a.range;
  } else if (f == "max_failed_indexes") {
    if (requireFeature(k8s::Feature::BackoffLimitPerIndex, a.range))
      j.maxFailedIndexes = ex_.integer(v, "`max_failed_indexes`", 0, INT32_MAX);
    j.ranges.maxFailedIndexes = a.range;
  } else if (f == "completion_mode") {
    static const llvm::StringRef allowed[] = {"NonIndexed", "Indexed"};
    if (auto s = ex_.oneOf(v, "completion mode", allowed)) j.completionMode = *s;
    j.ranges.completionMode = a.range;
  } else if (f == "pod_replacement_policy") {
    static const llvm::StringRef allowed[] = {"TerminatingOrFailed", "Failed"};
    if (requireFeature(k8s::Feature::PodReplacementPolicy, a.range))
      if (auto s = ex_.oneOf(v, "pod replacement policy", allowed)) j.podReplacementPolicy = *s;
    j.ranges.podReplacementPolicy = a.range;
  } else if (f == "success_policy") {
    j.ranges.successPolicy = a.range;
    if (requireFeature(k8s::Feature::SuccessPolicy, a.range)) checkSuccessPolicy(v, w);
  } else if (f == "active_deadline") {
    if (auto s = ex_.durationSeconds(v, "`active_deadline`")) {
      if (*s <= 0) diags_.report(DiagKind::ValueTooSmall, v.range, "`active_deadline`", "1s", v.text);
      else j.activeDeadlineSeconds = s;
    }
  } else if (f == "ttl_after_finished") {
    j.ttlSecondsAfterFinished = ex_.durationSeconds(v, "`ttl_after_finished`");
  } else if (f == "schedule") {
    if (auto s = ex_.string(v, "`schedule`")) {
      if (std::string err = validateCronSchedule(*s); !err.empty())
        diags_.report(DiagKind::InvalidCronSchedule, v.range, *s, err);
      else c.schedule = *s;
    }
    j.ranges.schedule = v.range;
  } else if (f == "time_zone") {
    if (auto s = ex_.string(v, "`time_zone`")) {
      if (std::string err = validateTimeZoneName(*s); !err.empty()) diags_.report(DiagKind::InvalidTimeZone, v.range, *s, err);
      else c.timeZone = *s;
    }
    j.ranges.timeZone = v.range;
  } else if (f == "concurrency_policy") {
    static const llvm::StringRef allowed[] = {"Allow", "Forbid", "Replace"};
    if (auto s = ex_.oneOf(v, "concurrency policy", allowed)) c.concurrencyPolicy = *s;
  } else if (f == "suspend") {
    c.suspend = ex_.boolean(v, "`suspend`");
  } else if (f == "successful_jobs_history") {
    c.successfulJobsHistoryLimit = ex_.integer(v, "`successful_jobs_history`", 0, INT32_MAX);
  } else if (f == "failed_jobs_history") {
    c.failedJobsHistoryLimit = ex_.integer(v, "`failed_jobs_history`", 0, INT32_MAX);
  } else if (f == "starting_deadline") {
    c.startingDeadlineSeconds = ex_.durationSeconds(v, "`starting_deadline`");
  } else {
    return false;
  }
  return true;
}

// `success_policy = {succeeded_count: 8}` or a list of such maps, one per
// API rule. Indexes are checked against `completions` in finishJob.
void Checker::checkSuccessPolicy(const Value &v, model::Workload &w) {
  std::vector<const Value *> rules;
  if (v.kind == Value::Kind::Map) rules.push_back(&v);
  else if (v.kind == Value::Kind::List)
    for (const Value &item : v.items) rules.push_back(&item);
  else {
    if (!v.isError())
      diags_.report(DiagKind::TypeMismatch, v.range, "a map `{succeeded_count: N, succeeded_indexes: \"0-4\"}` or a list of them", describe(v));
    return;
  }
  if (rules.empty()) {
    diags_.report(DiagKind::InvalidSuccessPolicy, v.range, "the success policy needs at least one rule");
    return;
  }
  if (rules.size() > kMaxSuccessRules) {
    diags_.report(DiagKind::InvalidSuccessPolicy, v.range, fmt::format("{} rules; the API allows at most 20", rules.size()));
    return;
  }
  for (const Value *r : rules) {
    if (r->kind != Value::Kind::Map) {
      if (!r->isError()) diags_.report(DiagKind::TypeMismatch, r->range, "a map `{succeeded_count: N}`", describe(*r));
      continue;
    }
    model::SuccessRule rule;
    rule.range = r->range;
    bool ok = true;
    for (const Value::Entry &e : r->entries) {
      if (e.key == "succeeded_indexes") {
        if (auto s = ex_.string(*e.value, "`succeeded_indexes`")) {
          rule.succeededIndexes = *s;
          if (s->empty()) {
            diags_.report(DiagKind::InvalidSuccessPolicy, e.value->range, "`succeeded_indexes` is empty; list indexes such as \"0,2-5\"");
            ok = false;
          }
        } else {
          ok = false;
        }
      } else if (e.key == "succeeded_count") {
        if (auto n = ex_.integer(*e.value, "`succeeded_count`", 0, INT32_MAX)) rule.succeededCount = n;
        else ok = false;
      } else {
        static const llvm::StringRef keys[] = {"succeeded_indexes", "succeeded_count"};
        Diagnostic &d = diags_.report(DiagKind::UnknownArgument, e.keyRange, e.key, "success_policy");
        std::string close = closestMatch(e.key, keys);
        if (!close.empty()) d.note(fmt::format("did you mean `{}`?", close)).fix(e.keyRange, close);
        ok = false;
      }
    }
    if (!ok) continue;
    if (rule.succeededIndexes.empty() && !rule.succeededCount) {
      diags_.report(DiagKind::InvalidSuccessPolicy, r->range, "it needs `succeeded_indexes`, `succeeded_count` or both");
      continue;
    }
    w.job.mut().successRules.push_back(std::move(rule));
  }
}

void Checker::checkFailureRule(const ast::FailureRule &rule, model::Workload &w) {
  model::FailureRule r;
  r.range = rule.range;
  r.actionRange = rule.action.range;
  if (auto action = parseAction(rule.action.name)) {
    r.action = *action;
  } else {
    Diagnostic &d = diags_.report(DiagKind::UnknownFailureAction, rule.action.range, rule.action.name);
    static const llvm::StringRef actions[] = {"fail_job", "fail_index", "ignore", "count"};
    static const llvm::StringRef apiNames[] = {"FailJob", "FailIndex", "Ignore", "Count"};
    std::string close = closestMatch(rule.action.name, actions);
    for (size_t i = 0; i < 4; ++i)
      if (llvm::StringRef(rule.action.name).equals_insensitive(apiNames[i])) close = actions[i].str(); // the API's spelling
    if (!close.empty()) d.note(fmt::format("did you mean `{}`?", close)).fix(rule.action.range, close);
    r.range = SourceRange(); // still check the match, then drop the rule
  }
  if (r.action == model::FailureAction::FailIndex && !requireFeature(k8s::Feature::BackoffLimitPerIndex, rule.action.range))
    r.range = SourceRange();

  if (rule.match == ast::FailureRule::Match::Condition) {
    r.match = model::FailureRule::Match::Conditions;
    for (const ast::Ident &c : rule.conditions) {
      auto types = podConditionTypes();
      if (std::find(types.begin(), types.end(), c.name) == types.end()) {
        std::string list;
        for (size_t i = 0; i < types.size(); ++i) list += (i ? ", `" : "`") + types[i].str() + "`";
        Diagnostic &d = diags_.report(DiagKind::UnknownPodCondition, c.range, c.name, list);
        std::string close = closestMatch(c.name, types);
        if (!close.empty()) d.note(fmt::format("did you mean `{}`?", close)).fix(c.range, close);
        continue;
      }
      if (std::find(r.conditions.begin(), r.conditions.end(), c.name) == r.conditions.end()) r.conditions.push_back(c.name);
    }
    if (rule.conditions.size() > kMaxConditionPatterns)
      diags_.report(DiagKind::TooManyConditions, rule.range, rule.conditions.size());
    if (r.conditions.empty() || !r.range.valid()) return;
    r.afterMatch = SourceRange{rule.range.file, rule.conditions.back().range.end, rule.conditions.back().range.end};
    w.job.mut().failureRules.push_back(std::move(r));
    return;
  }

  r.match = model::FailureRule::Match::ExitCodes;
  r.notIn = rule.notIn;
  if (!rule.conditions.empty()) {
    // Rules are OR-ed in order, never AND-ed: "exit 137 unless evicted" is
    // an eviction rule first, then the exit-code rule.
    SourceRange both = SourceRange::join(rule.conditions.front().range, rule.conditions.back().range);
    diags_.report(DiagKind::FailureRuleBothMatches, both)
        .note(fmt::format("write two rules and put the condition first: `on condition {} => …`, then `on exit … => {}`; the first "
                          "match decides",
                          rule.conditions.front().name, rule.action.name));
    r.range = SourceRange();
  }
  std::bitset<256> seen;
  bool ok = true;
  auto parseCode = [&](const std::string &text, SourceRange where, int &out) {
    int64_t v = 0;
    if (llvm::StringRef(text).getAsInteger(10, v) || v < 0 || v > 255) {
      diags_.report(DiagKind::ExitCodeOutOfRange, where, text);
      return false;
    }
    out = static_cast<int>(v);
    return true;
  };
  for (const ast::ExitValue &ev : rule.values) {
    int lo = 0, hi = 0;
    if (!parseCode(ev.lo, ev.range, lo)) { ok = false; continue; }
    hi = lo;
    if (!ev.hi.empty()) {
      if (!parseCode(ev.hi, ev.range, hi)) { ok = false; continue; }
      if (lo > hi) {
        diags_.report(DiagKind::ReversedExitRange, ev.range, lo, hi, hi, lo).fix(ev.range, fmt::format("{}..{}", hi, lo));
        ok = false;
        continue;
      }
    }
    if (!r.notIn && lo == 0) {
      diags_.report(DiagKind::ExitCodeZeroWithIn, ev.range);
      ok = false;
      continue;
    }
    bool dupReported = false;
    for (int x = lo; x <= hi; ++x) {
      if (seen.test(x) && !dupReported) {
        diags_.report(DiagKind::DuplicateExitCode, ev.range, x);
        dupReported = true;
      }
      seen.set(x);
    }
  }
  if (seen.count() > kMaxExitValues) {
    diags_.report(DiagKind::TooManyExitCodes, rule.range, seen.count());
    ok = false;
  }
  if (!ok || seen.none() || !r.range.valid()) return;
  for (int x = 0; x < 256; ++x)
    if (seen.test(x)) r.values.push_back(x);
  if (rule.container) {
    r.container = rule.container->name;
    r.containerRange = rule.container->range;
  }
  SourceRange last = rule.values.back().range;
  r.afterMatch = SourceRange{rule.range.file, last.end, last.end};
  w.job.mut().failureRules.push_back(std::move(r));
}

void Checker::checkFailureRuleLimits(model::Workload &w) {
  if (w.job->failureRules.empty()) return;
  model::JobSpec &j = w.job.mut();
  llvm::StringRef kw = model::workloadKeyword(w.kind);
  std::vector<model::FailureRule> &rules = j.failureRules;
  if (rules.size() > kMaxFailureRules)
    diags_.report(DiagKind::TooManyFailureRules, rules[kMaxFailureRules].range, kw.str(), w.name, rules.size())
        .note("merge rules with the same action and container, e.g. `on exit 1..10, 42 in app => fail_job`");
  if (!w.pod.restartPolicy.empty() && w.pod.restartPolicy != "Never")
    diags_.report(DiagKind::FailureRulesNeedNever, rules.front().range, w.pod.restartPolicy);
  if (!j.podReplacementPolicy.empty() && j.podReplacementPolicy != "Failed")
    diags_.report(DiagKind::ReplacementPolicyWithRules, j.ranges.podReplacementPolicy, j.podReplacementPolicy);

  // Names: a rule may name any container, sidecar or init container, by its
  // rig or its Kubernetes name.
  std::vector<std::string> names;
  std::vector<const model::Container *> all;
  for (const auto *list : {&w.pod.initContainers, &w.pod.containers})
    for (const model::Container &c : *list) {
      all.push_back(&c);
      names.push_back(c.sourceName);
    }
  std::map<std::string, size_t> byMatch;
  for (size_t i = 0; i < rules.size(); ++i) {
    model::FailureRule &r = rules[i];
    if (r.action == model::FailureAction::FailIndex && !j.backoffLimitPerIndex)
      diags_.report(DiagKind::FailIndexNeedsBackoffPerIndex, r.actionRange);
    if (r.match != model::FailureRule::Match::ExitCodes) continue;
    if (!r.container.empty()) {
      auto found = std::find_if(all.begin(), all.end(),
                                [&](const model::Container *c) { return c->sourceName == r.container || c->name == r.container; });
      if (found == all.end()) {
        Diagnostic &d = diags_.report(DiagKind::FailureRuleUnknownContainer, r.containerRange, r.container, kw.str(), w.name);
        std::string close = closestMatch(r.container, names);
        if (!close.empty()) d.note(fmt::format("did you mean `{}`?", close)).fix(r.containerRange, close);
      } else {
        r.container = (*found)->name;
      }
    } else if (!w.pod.initContainers.empty()) {
      std::string others;
      for (const model::Container &c : w.pod.initContainers)
        others += fmt::format("{}{} `{}`", others.empty() ? "" : ", ", c.role == model::ContainerRole::Sidecar ? "sidecar" : "init container", c.name);
      Diagnostic &d = diags_.report(DiagKind::RuleWithoutContainer, r.range, others);
      if (!w.pod.containers.empty()) {
        const model::Container &main = w.pod.containers.front();
        d.note(fmt::format("name the container whose exit codes you mean: `in {}`", main.sourceName))
            .fix(r.afterMatch, " in " + main.sourceName);
      }
    }
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    auto [it, inserted] = byMatch.emplace(matchKey(rules[i]), i);
    if (!inserted) diags_.report(DiagKind::DuplicateFailureRule, rules[i].range, i + 1, it->second + 1);
  }
}

void Checker::finishJob(model::Workload &w) {
  if (!isJob(w)) return;
  model::JobSpec &j = w.job.mut();
  llvm::StringRef kw = model::workloadKeyword(w.kind);
  if (w.kind == model::WorkloadKind::CronJob && w.cron->schedule.empty() && !j.ranges.schedule.valid())
    diags_.report(DiagKind::MissingField, w.nameRange, fmt::format("cronjob `{}`", w.name), "schedule = \"0 * * * *\"");

  checkFailureRuleLimits(w);

  // Per-index backoff and the success policy need Indexed mode.
  if (!j.indexed()) {
    if (j.ranges.backoffLimitPerIndex.valid()) diags_.report(DiagKind::NeedsIndexedMode, j.ranges.backoffLimitPerIndex, "`backoff_limit_per_index`");
    if (j.ranges.maxFailedIndexes.valid()) diags_.report(DiagKind::NeedsIndexedMode, j.ranges.maxFailedIndexes, "`max_failed_indexes`");
    if (j.ranges.successPolicy.valid()) diags_.report(DiagKind::NeedsIndexedMode, j.ranges.successPolicy, "`success_policy`");
  }
  if (j.ranges.maxFailedIndexes.valid() && !j.ranges.backoffLimitPerIndex.valid())
    diags_.report(DiagKind::MaxFailedIndexesNeedsBackoff, j.ranges.maxFailedIndexes);
  if (j.backoffLimitPerIndex && w.pod.restartPolicy == "OnFailure")
    diags_.report(DiagKind::BackoffPerIndexRestart, j.ranges.backoffLimitPerIndex);

  if (j.indexed()) {
    if (!j.completions) {
      diags_.report(DiagKind::IndexedNeedsCompletions, j.ranges.completionMode);
    } else {
      int64_t n = *j.completions;
      if (j.parallelism && *j.parallelism > kMaxIndexedParallelism)
        diags_.report(DiagKind::IndexedLimit, j.ranges.parallelism,
                      fmt::format("`parallelism` of an Indexed job must be at most 100000, found {}", *j.parallelism));
      if (j.maxFailedIndexes && (*j.maxFailedIndexes > n || *j.maxFailedIndexes > kMaxIndexedParallelism))
        diags_.report(DiagKind::IndexedLimit, j.ranges.maxFailedIndexes,
                      fmt::format("`max_failed_indexes` must be at most `completions` ({}) and at most 100000, found {}", n, *j.maxFailedIndexes));
      if (n > kMaxIndexedCompletionsWithoutLimit && j.backoffLimitPerIndex) {
        if (!j.maxFailedIndexes)
          diags_.report(DiagKind::IndexedLimit, j.ranges.backoffLimitPerIndex,
                        "with more than 100000 completions, `backoff_limit_per_index` needs `max_failed_indexes` (at most 10000)");
        else if (*j.maxFailedIndexes > kMaxFailedIndexesLargeJob)
          diags_.report(DiagKind::IndexedLimit, j.ranges.maxFailedIndexes,
                        fmt::format("with more than 100000 completions, `max_failed_indexes` must be at most 10000, found {}", *j.maxFailedIndexes));
        if (j.parallelism && *j.parallelism > kMaxFailedIndexesLargeJob)
          diags_.report(DiagKind::IndexedLimit, j.ranges.parallelism,
                        fmt::format("with more than 100000 completions and `backoff_limit_per_index`, `parallelism` must be at most 10000, found {}",
                                    *j.parallelism));
      }
      // Pods of an Indexed job get the hostname `<job>-<index>`.
      if (w.kind == model::WorkloadKind::Job && n > 0) {
        std::string host = fmt::format("{}-{}", w.name, n - 1);
        if (auto errs = k8s::validateDns1123Label(host); !errs.empty())
          diags_.report(DiagKind::IndexedHostname, j.ranges.completions, kw.str(), w.name, host, errs.front());
      }
    }
  }

  for (const model::SuccessRule &r : j.successRules) {
    int64_t count = 0;
    if (!r.succeededIndexes.empty()) {
      if (std::string err = parseSucceededIndexes(r.succeededIndexes, j.completions, count); !err.empty()) {
        diags_.report(DiagKind::InvalidSuccessPolicy, r.range, err);
        continue;
      }
    }
    if (r.succeededCount) {
      if (j.completions && *r.succeededCount > *j.completions)
        diags_.report(DiagKind::InvalidSuccessPolicy, r.range,
                      fmt::format("`succeeded_count` ({}) is greater than `completions` ({})", *r.succeededCount, *j.completions));
      else if (!r.succeededIndexes.empty() && *r.succeededCount > count)
        diags_.report(DiagKind::InvalidSuccessPolicy, r.range,
                      fmt::format("`succeeded_count` ({}) is greater than the {} indexes in `succeeded_indexes`", *r.succeededCount, count));
    }
  }
}

} // namespace rig::sema
