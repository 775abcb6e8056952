// The Z3 analysis of failure rules against a brute-force oracle: every
// failed pod of a two-container pod (each container exit code 0..255, with
// and without `DisruptionTarget`) run through the controller's first-match
// semantics.
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "compiler/verify/properties.h"
#include "compiler/verify/solver.h"

using namespace rig;
using namespace rig::verify;

namespace {

model::Workload twoContainerJob() {
  model::Workload w;
  w.kind = model::WorkloadKind::Job;
  w.name = "j";
  model::Container side;
  side.name = side.sourceName = "s";
  side.role = model::ContainerRole::Sidecar;
  w.pod.initContainers.push_back(side);
  model::Container main;
  main.name = main.sourceName = "a";
  w.pod.containers.push_back(main);
  return w;
}

model::FailureRule exitRule(std::vector<int> values, bool notIn, std::string container, model::FailureAction a) {
  model::FailureRule r;
  r.values = std::move(values);
  r.notIn = notIn;
  r.container = std::move(container);
  r.action = a;
  return r;
}

model::FailureRule conditionRule(model::FailureAction a) {
  model::FailureRule r;
  r.match = model::FailureRule::Match::Conditions;
  r.conditions = {"DisruptionTarget"};
  r.action = a;
  return r;
}

// Every failed pod of the space, passed to `f`.
template <typename F> void forEachFailure(const FailureRuleSpace &space, F f) {
  FailedPod pod;
  pod.exitCodes.assign(space.containers.size(), 0);
  pod.conditions.assign(space.conditions.size(), false);
  size_t conds = size_t(1) << space.conditions.size();
  for (int x = 0; x < 256; ++x)
    for (int y = 0; y < 256; ++y)
      for (size_t c = 0; c < conds; ++c) {
        pod.exitCodes[0] = x;
        pod.exitCodes[1] = y;
        for (size_t k = 0; k < space.conditions.size(); ++k) pod.conditions[k] = (c >> k) & 1;
        if (x == 0 && y == 0 && c == 0) continue;
        f(pod);
      }
}

FailureRuleAnalysis analyze(const model::Workload &w) {
  Solver s{VerifyOptions{}};
  return analyzeFailureRules(w, s);
}

} // namespace

TEST(FailureRules, MatchedCodesOfNotInAreTheComplementWithinOneTo255) {
  auto r = exitRule({0, 1, 2, 3, 42, 255}, true, "", model::FailureAction::Count);
  auto codes = r.matchedCodes();
  ASSERT_EQ(codes.size(), 2u);
  EXPECT_EQ(codes[0], (model::ExitRange{4, 41}));
  EXPECT_EQ(codes[1], (model::ExitRange{43, 254}));
  auto all = exitRule({1, 2, 3, 5}, false, "", model::FailureAction::Count).matchedCodes();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], (model::ExitRange{1, 3}));
}

TEST(FailureRules, GuideOrderOverlapHasAWitnessInUserTerms) {
  model::Workload w = twoContainerJob();
  w.job.mut().failureRules = {exitRule({137}, false, "a", model::FailureAction::FailJob), conditionRule(model::FailureAction::Ignore)};
  FailureRuleAnalysis a = analyze(w);
  ASSERT_TRUE(a.conclusive);
  ASSERT_EQ(a.overlaps.size(), 1u);
  EXPECT_EQ(a.overlaps[0].witness, "exit 137 in `a` and condition `DisruptionTarget`");
  EXPECT_EQ(a.overlaps[0].first, 0u);
  EXPECT_EQ(a.overlaps[0].second, 1u);
}

TEST(FailureRules, ShadowingRulesAreMinimal) {
  model::Workload w = twoContainerJob();
  w.job.mut().failureRules = {exitRule({1, 2, 3}, false, "a", model::FailureAction::FailJob),
                        exitRule({7}, false, "s", model::FailureAction::Ignore),
                        exitRule({4, 5}, false, "a", model::FailureAction::FailJob),
                        exitRule({2, 4}, false, "a", model::FailureAction::Count)};
  FailureRuleAnalysis a = analyze(w);
  ASSERT_FALSE(a.rules[3].reachable);
  EXPECT_EQ(a.rules[3].shadowedBy, (std::vector<size_t>{0, 2}));
}

TEST(FailureRules, AgreesWithBruteForceOnRandomRules) {
  std::mt19937 rng(7);
  const model::FailureAction actions[] = {model::FailureAction::FailJob, model::FailureAction::Ignore, model::FailureAction::Count};
  for (int trial = 0; trial < 25; ++trial) {
    model::Workload w = twoContainerJob();
    int n = 2 + static_cast<int>(rng() % 5);
    for (int k = 0; k < n; ++k) {
      model::FailureAction act = actions[rng() % 3];
      if (rng() % 6 == 0) {
        w.job.mut().failureRules.push_back(conditionRule(act));
        continue;
      }
      std::vector<int> values;
      bool notIn = rng() % 3 == 0;
      for (int v = notIn ? 0 : 1; v <= 255; ++v)
        if (v <= 12 ? rng() % 3 == 0 : rng() % 40 == 0) values.push_back(v);
      if (values.empty()) values.push_back(1);
      const char *containers[] = {"", "a", "s"};
      w.job.mut().failureRules.push_back(exitRule(values, notIn, containers[rng() % 3], act));
    }
    const auto &rules = w.job->failureRules;
    FailureRuleSpace space = FailureRuleSpace::of(w);
    std::vector<bool> reachable(rules.size(), false);
    std::vector<std::vector<bool>> overlap(rules.size(), std::vector<bool>(rules.size(), false));
    forEachFailure(space, [&](const FailedPod &pod) {
      int first = firstMatchingRule(rules, space, pod);
      if (first < 0) return;
      reachable[first] = true;
      if (pod.exitCodes[0] > 0 && pod.exitCodes[1] > 0) return; // overlaps are judged on one failed container
      for (size_t j = first + 1; j < rules.size(); ++j)
        if (ruleMatches(rules[j], space, pod)) overlap[first][j] = true;
    });
    FailureRuleAnalysis a = analyze(w);
    ASSERT_TRUE(a.conclusive);
    for (size_t k = 0; k < rules.size(); ++k) {
      EXPECT_EQ(a.rules[k].reachable, reachable[k]) << "trial " << trial << " rule " << k + 1 << ": " << describeRule(rules[k]);
      if (reachable[k]) continue;
      // The named rules take every failure rule k matches, and none is superfluous.
      auto covers = [&](const std::vector<size_t> &by) {
        bool all = true;
        forEachFailure(space, [&](const FailedPod &pod) {
          if (!all || !ruleMatches(rules[k], space, pod)) return;
          bool taken = false;
          for (size_t i : by) taken |= ruleMatches(rules[i], space, pod);
          all = taken;
        });
        return all;
      };
      EXPECT_TRUE(covers(a.rules[k].shadowedBy)) << "trial " << trial << " rule " << k + 1;
      for (size_t drop = 0; drop < a.rules[k].shadowedBy.size(); ++drop) {
        auto fewer = a.rules[k].shadowedBy;
        fewer.erase(fewer.begin() + static_cast<long>(drop));
        EXPECT_FALSE(covers(fewer)) << "trial " << trial << " rule " << k + 1 << " core not minimal";
      }
    }
    std::set<std::pair<size_t, size_t>> found;
    for (const auto &o : a.overlaps) found.insert({o.first, o.second});
    for (size_t i = 0; i < rules.size(); ++i)
      for (size_t j = i + 1; j < rules.size(); ++j) {
        bool expected = overlap[i][j] && reachable[j] && rules[i].action != rules[j].action &&
                        !(rules[i].match == model::FailureRule::Match::Conditions && rules[j].match == model::FailureRule::Match::ExitCodes);
        EXPECT_EQ(found.count({i, j}) == 1, expected) << "trial " << trial << " rules " << i + 1 << ", " << j + 1;
      }
  }
}
