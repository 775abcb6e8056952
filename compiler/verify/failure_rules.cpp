// Failure rules (podFailurePolicy) under the job controller's semantics: the
// first rule that matches a failed pod decides. A failed pod is modelled as
// an exit code per container (0 = did not fail; init containers and
// sidecars included) and the pod conditions present. The questions: can a
// failure reach rule k past the earlier rules (if not, which earlier rules
// take its failures); does a failure of one container that rule i decides
// also match a later rule j with another action; is any failure uncovered.
//
// Construction comes first and the solver refutes (as the solver notes
// advise for placement): a failure built from the exit-code sets and checked
// against the concrete semantics below proves a rule reachable or an overlap
// real, and is the smallest witness, independent of any solver model. Z3 is
// asked what construction does not settle: that a rule is unreachable (its
// unsat core, minimised, names the earlier rules), overlaps no construction
// found, and whether any failure is left uncovered. Exit-code sets are
// intervals, queries are sliced to the rules sharing a container or
// condition, one solver is reused through push/pop, and every query is
// bounded by VerifyOptions (rlimit, timeout, seed). A witness from a solver
// model is shrunk by the concrete semantics before users see it.
#include <algorithm>
#include <bitset>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "compiler/verify/properties.h"
#include "compiler/verify/solver.h"

namespace rig::verify {

namespace {

using model::FailureRule;

// A rule with its names resolved to indexes of a FailureRuleSpace.
struct CompiledRule {
  bool exit = true;
  int container = -1;        // -1: any container
  bool unknownContainer = false;
  std::bitset<256> codes;    // exit codes (1..255) it matches
  std::vector<int> conditions;
};

CompiledRule compile(const FailureRule &r, const FailureRuleSpace &space) {
  CompiledRule c;
  if (r.match == FailureRule::Match::Conditions) {
    c.exit = false;
    for (const std::string &name : r.conditions) {
      auto it = std::find(space.conditions.begin(), space.conditions.end(), name);
      if (it != space.conditions.end()) c.conditions.push_back(static_cast<int>(it - space.conditions.begin()));
    }
    return c;
  }
  if (!r.container.empty()) {
    auto it = std::find(space.containers.begin(), space.containers.end(), r.container);
    if (it == space.containers.end()) c.unknownContainer = true;
    else c.container = static_cast<int>(it - space.containers.begin());
  }
  for (const model::ExitRange &x : r.matchedCodes())
    for (int v = x.lo; v <= x.hi; ++v) c.codes.set(v);
  return c;
}

bool matches(const CompiledRule &r, const FailedPod &pod) {
  if (!r.exit) {
    for (int c : r.conditions)
      if (pod.conditions[c]) return true;
    return false;
  }
  if (r.unknownContainer) return false;
  if (r.container >= 0) {
    int code = pod.exitCodes[r.container];
    return code > 0 && r.codes.test(code);
  }
  for (int code : pod.exitCodes)
    if (code > 0 && r.codes.test(code)) return true;
  return false;
}

int firstMatch(const std::vector<CompiledRule> &rules, const FailedPod &pod) {
  for (size_t i = 0; i < rules.size(); ++i)
    if (matches(rules[i], pod)) return static_cast<int>(i);
  return -1;
}

bool isFailure(const FailedPod &pod) {
  for (int c : pod.exitCodes)
    if (c > 0) return true;
  for (bool b : pod.conditions)
    if (b) return true;
  return false;
}

// Makes `pod` smaller while `keep` holds: drop conditions and failed
// containers, then lower each remaining exit code.
template <typename Pred> void shrink(FailedPod &pod, Pred keep) {
  for (size_t i = 0; i < pod.conditions.size(); ++i) {
    if (!pod.conditions[i]) continue;
    pod.conditions[i] = false;
    if (!isFailure(pod) || !keep(pod)) pod.conditions[i] = true;
  }
  for (size_t i = 0; i < pod.exitCodes.size(); ++i) {
    int old = pod.exitCodes[i];
    if (old == 0) continue;
    pod.exitCodes[i] = 0;
    if (isFailure(pod) && keep(pod)) continue;
    for (int v = 1; v <= old; ++v) {
      pod.exitCodes[i] = v;
      if (keep(pod)) break;
    }
  }
}

std::string rangesText(const std::vector<model::ExitRange> &ranges) {
  std::string s;
  for (const model::ExitRange &r : ranges) {
    if (!s.empty()) s += ", ";
    s += r.lo == r.hi ? fmt::format("{}", r.lo) : fmt::format("{}..{}", r.lo, r.hi);
  }
  return s;
}

std::vector<model::ExitRange> toRanges(const std::bitset<256> &codes) {
  std::vector<model::ExitRange> out;
  for (int v = 1; v <= 255; ++v) {
    if (!codes.test(v)) continue;
    if (!out.empty() && out.back().hi + 1 == v) out.back().hi = v;
    else out.push_back({v, v});
  }
  return out;
}

// A failure whose first match is rule `i` and that also matches rule `j`
// (or only the first, with j < 0), built from the exit-code sets: the
// components (one failed container, or one condition) that no earlier rule
// matches, one for `i` and one for `j` that can coexist. The smallest such
// failure, or nullopt. Callers check it against the concrete semantics, so
// a witness found here is a proof; when there is none the solver is asked.
std::optional<FailedPod> constructWitness(const std::vector<CompiledRule> &rules, const FailureRuleSpace &space, size_t i, int j,
                                          const std::vector<size_t> *earlier = nullptr) {
  size_t nc = space.containers.size(), nk = space.conditions.size();
  std::vector<std::bitset<256>> free(nc);
  for (auto &b : free) b.set(), b.reset(0);
  std::vector<bool> condFree(nk, true);
  std::vector<size_t> before;
  if (earlier) before = *earlier;
  else
    for (size_t h = 0; h < i; ++h) before.push_back(h);
  for (size_t h : before) {
    const CompiledRule &r = rules[h];
    if (!r.exit) {
      for (int k : r.conditions) condFree[k] = false;
    } else if (!r.unknownContainer) {
      for (size_t c = 0; c < nc; ++c)
        if (r.container < 0 || r.container == static_cast<int>(c)) free[c] &= ~r.codes;
    }
  }
  // The components a rule can match past the earlier rules: (container, codes) or a condition.
  struct Component {
    int container = -1; // -1: a condition
    int condition = -1;
    std::bitset<256> codes;
  };
  auto components = [&](const CompiledRule &r) {
    std::vector<Component> out;
    if (!r.exit) {
      for (int k : r.conditions)
        if (condFree[k]) out.push_back({-1, k, {}});
    } else if (!r.unknownContainer) {
      for (size_t c = 0; c < nc; ++c)
        if ((r.container < 0 || r.container == static_cast<int>(c)) && (free[c] & r.codes).any())
          out.push_back({static_cast<int>(c), -1, free[c] & r.codes});
    }
    return out;
  };
  auto lowest = [](const std::bitset<256> &b) {
    for (int v = 1; v < 256; ++v)
      if (b.test(v)) return v;
    return 0;
  };
  FailedPod pod;
  pod.exitCodes.assign(nc, 0);
  pod.conditions.assign(nk, false);
  auto set = [&](const Component &c, const std::bitset<256> &codes) {
    if (c.container >= 0) pod.exitCodes[c.container] = lowest(codes);
    else pod.conditions[c.condition] = true;
  };
  std::vector<Component> ci = components(rules[i]);
  if (ci.empty()) return std::nullopt;
  if (j < 0) {
    set(ci.front(), ci.front().codes);
    return pod;
  }
  std::vector<Component> cj = components(rules[j]);
  // One component matching both: the same container with a shared code, or the same condition.
  for (const Component &a : ci)
    for (const Component &b : cj) {
      if (a.container >= 0 && a.container == b.container && (a.codes & b.codes).any()) {
        set(a, a.codes & b.codes);
        return pod;
      }
      if (a.container < 0 && a.condition == b.condition) {
        set(a, {});
        return pod;
      }
    }
  // Two components that can come together: a failed container and a
  // condition, or two conditions. Two failed containers are not looked for:
  // for any two rules on different containers such a failure exists, and
  // the first rule decides it; explain says so once instead of a note per pair.
  for (const Component &a : ci)
    for (const Component &b : cj) {
      bool sameSlot = a.container >= 0 ? a.container == b.container : b.container < 0 && a.condition == b.condition;
      if (sameSlot || (a.container >= 0 && b.container >= 0)) continue;
      set(a, a.codes);
      set(b, b.codes);
      return pod;
    }
  return std::nullopt;
}

// Whether two rules look at a common part of a failed pod (a container's
// exit code, a condition). In "rule k past the earlier rules" only the
// earlier rules sharing a part with k matter: the others are satisfied by
// leaving their parts unfailed. Slicing them off keeps the queries small.
bool sharePart(const CompiledRule &a, const CompiledRule &b) {
  if (a.exit != b.exit) return false;
  if (!a.exit) {
    for (int x : a.conditions)
      if (std::find(b.conditions.begin(), b.conditions.end(), x) != b.conditions.end()) return true;
    return false;
  }
  if (a.unknownContainer || b.unknownContainer) return false;
  return a.container < 0 || b.container < 0 || a.container == b.container;
}

// The Z3 encoding of one job's rules.
class Encoding {
public:
  Encoding(Solver &s, const FailureRuleSpace &space, const std::vector<CompiledRule> &rules) : s_(s), space_(space) {
    // Containers no rule names are interchangeable: one variable stands for
    // all of them (the first such container, in witnesses).
    std::vector<bool> named(space.containers.size(), false);
    for (const CompiledRule &r : rules)
      if (r.exit && r.container >= 0) named[r.container] = true;
    int representative = -1;
    for (size_t c = 0; c < space.containers.size(); ++c) {
      if (!named[c] && representative >= 0) continue;
      if (!named[c]) representative = static_cast<int>(c);
      containerOfVar_.push_back(static_cast<int>(c));
      Solver::Term e = s.intVar(fmt::format("exit!{}", c));
      varOfContainer_.emplace(static_cast<int>(c), e);
      vars_.push_back(e);
      s.add(s.le(s.intConst(0), e));
      s.add(s.le(e, s.intConst(255)));
    }
    for (size_t i = 0; i < space.conditions.size(); ++i) conds_.push_back(s.boolVar(fmt::format("cond!{}", i)));
    // A failed pod shows a failed container or a condition.
    std::vector<Solver::Term> failed;
    for (Solver::Term e : vars_) failed.push_back(s.le(s.intConst(1), e));
    for (Solver::Term c : conds_) failed.push_back(c);
    s.add(s.lor(failed));
    for (const CompiledRule &r : rules) match_.push_back(matchTerm(r));
  }

  Solver::Term match(size_t rule) const { return match_[rule]; }

  Solver::Term atMostOneFailedContainer() {
    std::vector<Solver::Term> pairs;
    for (size_t a = 0; a < vars_.size(); ++a)
      for (size_t b = a + 1; b < vars_.size(); ++b)
        pairs.push_back(s_.lnot(s_.land({s_.le(s_.intConst(1), vars_[a]), s_.le(s_.intConst(1), vars_[b])})));
    return s_.land(pairs);
  }

  FailedPod model() {
    FailedPod pod;
    pod.exitCodes.assign(space_.containers.size(), 0);
    for (size_t v = 0; v < vars_.size(); ++v) pod.exitCodes[containerOfVar_[v]] = static_cast<int>(s_.intValue(vars_[v]));
    for (Solver::Term c : conds_) pod.conditions.push_back(s_.boolValue(c));
    return pod;
  }

private:
  Solver::Term inCodes(Solver::Term e, const std::bitset<256> &codes) {
    std::vector<Solver::Term> parts;
    for (const model::ExitRange &r : toRanges(codes)) {
      if (r.lo == r.hi) parts.push_back(s_.eq(e, s_.intConst(r.lo)));
      else parts.push_back(s_.land({s_.le(s_.intConst(r.lo), e), s_.le(e, s_.intConst(r.hi))}));
    }
    return s_.lor(parts);
  }
  Solver::Term matchTerm(const CompiledRule &r) {
    std::vector<Solver::Term> parts;
    if (!r.exit) {
      for (int c : r.conditions) parts.push_back(conds_[c]);
    } else if (!r.unknownContainer) {
      if (r.container >= 0) parts.push_back(inCodes(varOfContainer_.at(r.container), r.codes));
      else
        for (Solver::Term e : vars_) parts.push_back(inCodes(e, r.codes));
    }
    return s_.lor(parts);
  }

  Solver &s_;
  const FailureRuleSpace &space_;
  std::vector<Solver::Term> vars_;
  std::vector<int> containerOfVar_;
  std::map<int, Solver::Term> varOfContainer_;
  std::vector<Solver::Term> conds_;
  std::vector<Solver::Term> match_;
};

// A job's rules as a cache key: jobs with the same containers and rules
// share one analysis.
std::string signature(const model::Workload &w, const FailureRuleSpace &space) {
  std::string key;
  for (const std::string &c : space.containers) key += c + ",";
  key += "|";
  for (const FailureRule &r : w.job->failureRules) key += describeRule(r) + ";";
  return key;
}

} // namespace

FailureRuleSpace FailureRuleSpace::of(const model::Workload &w) {
  FailureRuleSpace space;
  for (const auto *list : {&w.pod.initContainers, &w.pod.containers})
    for (const model::Container &c : *list) space.containers.push_back(c.name);
  for (const FailureRule &r : w.job->failureRules)
    for (const std::string &c : r.conditions)
      if (std::find(space.conditions.begin(), space.conditions.end(), c) == space.conditions.end()) space.conditions.push_back(c);
  return space;
}

bool ruleMatches(const FailureRule &rule, const FailureRuleSpace &space, const FailedPod &pod) {
  return matches(compile(rule, space), pod);
}

int firstMatchingRule(const std::vector<FailureRule> &rules, const FailureRuleSpace &space, const FailedPod &pod) {
  for (size_t i = 0; i < rules.size(); ++i)
    if (ruleMatches(rules[i], space, pod)) return static_cast<int>(i);
  return -1;
}

std::string describeFailure(const FailureRuleSpace &space, const FailedPod &pod) {
  std::vector<std::string> parts;
  for (size_t c = 0; c < pod.exitCodes.size(); ++c)
    if (pod.exitCodes[c] > 0) parts.push_back(fmt::format("exit {} in `{}`", pod.exitCodes[c], space.containers[c]));
  for (size_t c = 0; c < pod.conditions.size(); ++c)
    if (pod.conditions[c]) parts.push_back(fmt::format("condition `{}`", space.conditions[c]));
  if (parts.empty()) return "a failure without exit code or condition";
  std::string s = parts.front();
  for (size_t i = 1; i < parts.size(); ++i) s += (i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return s;
}

std::string describeRule(const FailureRule &r) {
  if (r.match == FailureRule::Match::Conditions) {
    std::string s = "condition ";
    for (size_t i = 0; i < r.conditions.size(); ++i) s += (i ? ", " : "") + r.conditions[i];
    return s + " => " + model::failureActionRigName(r.action);
  }
  std::vector<model::ExitRange> listed;
  for (int v : r.values) {
    if (!listed.empty() && listed.back().hi + 1 == v) listed.back().hi = v;
    else listed.push_back({v, v});
  }
  return fmt::format("exit {}{}{} => {}", r.notIn ? "not in " : "", rangesText(listed), r.container.empty() ? "" : " in " + r.container,
                     model::failureActionRigName(r.action));
}

std::string workloadKey(const model::Workload &w) {
  return fmt::format("{}/{}/{}", model::workloadKeyword(w.kind).str(), w.ns, w.name);
}

FailureRuleAnalysis analyzeFailureRules(const model::Workload &w, Solver &solver) {
  FailureRuleAnalysis a;
  a.workloadKey = workloadKey(w);
  const std::vector<FailureRule> &rules = w.job->failureRules;
  FailureRuleSpace space = FailureRuleSpace::of(w);
  std::vector<CompiledRule> compiled;
  for (const FailureRule &r : rules) compiled.push_back(compile(r, space));
  a.rules.resize(rules.size());

  auto inconclusive = [&](SolverResult r) {
    a.conclusive = false;
    // Without Z3 (its module did not load) the loader's error is the reason.
    a.inconclusiveReason = solver.unavailableReason().empty()
                               ? fmt::format("the solver answered `{}` within its limits", solverResultName(r))
                               : fmt::format("the solver is unavailable: {}", solver.unavailableReason());
  };

  solver.push();
  Encoding enc(solver, space, compiled);

  // 1. Reachability: rule k acts on some failure iff match_k and no earlier match.
  for (size_t k = 0; k < rules.size() && a.conclusive; ++k) {
    // A constructed failure that reaches rule k proves it reachable; the
    // solver is asked only to refute (and to name the rules in the way).
    if (auto pod = constructWitness(compiled, space, k, -1); pod && firstMatch(compiled, *pod) == static_cast<int>(k)) continue;
    solver.push();
    solver.add(enc.match(k));
    for (size_t j = 0; j < k; ++j)
      if (sharePart(compiled[j], compiled[k])) solver.addTracked(solver.lnot(enc.match(j)), std::to_string(j));
    SolverResult res = solver.check();
    std::vector<size_t> core;
    if (res == SolverResult::Unsat)
      for (const std::string &label : solver.unsatCore()) core.push_back(std::stoul(label));
    solver.pop();
    if (res == SolverResult::Sat) continue;
    if (res != SolverResult::Unsat) {
      inconclusive(res);
      break;
    }
    a.rules[k].reachable = false;
    // Keep only the earlier rules that are needed: drop each in turn.
    std::sort(core.begin(), core.end());
    for (size_t idx = 0; idx < core.size();) {
      // Needed if a failure matching k escapes the others: construct it.
      std::vector<size_t> others;
      for (size_t j : core)
        if (j != core[idx]) others.push_back(j);
      if (auto pod = constructWitness(compiled, space, k, -1, &others)) {
        bool escapes = matches(compiled[k], *pod);
        for (size_t j : others) escapes = escapes && !matches(compiled[j], *pod);
        if (escapes) {
          ++idx;
          continue;
        }
      }
      solver.push();
      solver.add(enc.match(k));
      for (size_t j : core)
        if (j != core[idx]) solver.add(solver.lnot(enc.match(j)));
      SolverResult r = solver.check();
      solver.pop();
      if (r == SolverResult::Unsat) core.erase(core.begin() + static_cast<long>(idx));
      else if (r == SolverResult::Sat) ++idx;
      else {
        inconclusive(r);
        break;
      }
    }
    a.rules[k].shadowedBy = core;
  }

  // 2. Overlaps: a failure of at most one container (with any conditions)
  // that rule i decides and rule j (i < j, another action) also matches.
  for (size_t j = 0; j < rules.size() && a.conclusive; ++j) {
    if (!a.rules[j].reachable) continue;
    for (size_t i = 0; i < j && a.conclusive; ++i) {
      if (!a.rules[i].reachable || rules[i].action == rules[j].action) continue;
      const CompiledRule &ri = compiled[i], &rj = compiled[j];
      // A condition rule before exit-code rules is the documented idiom
      // (`DisruptionTarget => ignore` first): the condition says why the pod
      // was stopped and the exit code is only the kill signal's echo. The
      // reverse order is the surprising one and is reported.
      if (!ri.exit && rj.exit) continue;
      // One container, one exit code: disjoint codes on the same container never meet.
      if (ri.exit && rj.exit && ri.container >= 0 && ri.container == rj.container && (ri.codes & rj.codes).none()) continue;
      // Two named containers: they meet only when both fail, which is not looked for.
      if (ri.exit && rj.exit && ri.container >= 0 && rj.container >= 0 && ri.container != rj.container) continue;
      auto keep = [&](const FailedPod &p) {
        return std::count_if(p.exitCodes.begin(), p.exitCodes.end(), [](int c) { return c > 0; }) <= 1 &&
               firstMatch(compiled, p) == static_cast<int>(i) && matches(rj, p);
      };
      if (auto pod = constructWitness(compiled, space, i, static_cast<int>(j)); pod && keep(*pod)) {
        a.overlaps.push_back({i, j, describeFailure(space, *pod)});
        continue;
      }
      solver.push();
      solver.add(enc.atMostOneFailedContainer());
      solver.add(enc.match(i));
      solver.add(enc.match(j));
      for (size_t h = 0; h < i; ++h) solver.add(solver.lnot(enc.match(h)));
      SolverResult res = solver.check();
      FailedPod pod;
      if (res == SolverResult::Sat) pod = enc.model();
      solver.pop();
      if (res == SolverResult::Unsat) continue;
      if (res != SolverResult::Sat) {
        inconclusive(res);
        break;
      }
      if (!keep(pod)) continue; // cannot happen: the model satisfies both; be safe
      shrink(pod, keep);
      a.overlaps.push_back({i, j, describeFailure(space, pod)});
    }
  }

  // 3. Is any failure left to the default? The per-container lists below
  // say which; a failure of several containers is uncovered only if each
  // of its parts is.
  bool anyUncovered = false;
  if (a.conclusive) {
    solver.push();
    for (size_t r = 0; r < rules.size(); ++r) solver.add(solver.lnot(enc.match(r)));
    SolverResult res = solver.check();
    solver.pop();
    if (res == SolverResult::Sat) anyUncovered = true;
    else if (res != SolverResult::Unsat) inconclusive(res);
  }
  solver.pop();

  // The decision table, per failure of one container or one condition.
  std::vector<std::vector<std::bitset<256>>> decides(rules.size(), std::vector<std::bitset<256>>(space.containers.size()));
  std::vector<std::bitset<256>> uncovered(space.containers.size());
  FailedPod pod;
  pod.exitCodes.assign(space.containers.size(), 0);
  pod.conditions.assign(space.conditions.size(), false);
  for (size_t c = 0; c < space.containers.size(); ++c) {
    for (int v = 1; v <= 255; ++v) {
      pod.exitCodes[c] = v;
      int r = firstMatch(compiled, pod);
      if (r >= 0) decides[r][c].set(v);
      else uncovered[c].set(v);
    }
    pod.exitCodes[c] = 0;
  }
  for (size_t r = 0; r < rules.size(); ++r)
    for (size_t c = 0; c < space.containers.size(); ++c)
      if (decides[r][c].any()) a.rules[r].decides.push_back({space.containers[c], toRanges(decides[r][c])});
  for (size_t k = 0; k < space.conditions.size(); ++k) {
    pod.conditions[k] = true;
    int r = firstMatch(compiled, pod);
    if (r >= 0) a.rules[r].conditions.push_back(space.conditions[k]);
    else a.uncoveredConditions.push_back(space.conditions[k]);
    pod.conditions[k] = false;
  }
  if (anyUncovered || !a.conclusive)
    for (size_t c = 0; c < space.containers.size(); ++c)
      if (uncovered[c].any()) a.uncovered.push_back({space.containers[c], toRanges(uncovered[c])});
  return a;
}

void verifyFailureRules(const model::Program &program, Diagnostics &diags, const VerifyOptions &opts, VerifyResult &result) {
  std::optional<Solver> solver;
  std::map<std::string, FailureRuleAnalysis> cache;
  for (const model::Workload &w : program.workloads) {
    if (w.kind != model::WorkloadKind::Job && w.kind != model::WorkloadKind::CronJob) continue;
    const std::vector<FailureRule> &rules = w.job->failureRules;
    if (rules.empty()) continue;
    if (!solver) solver.emplace(opts);
    std::string sig = signature(w, FailureRuleSpace::of(w));
    auto cached = cache.find(sig);
    FailureRuleAnalysis a = cached != cache.end() ? cached->second : analyzeFailureRules(w, *solver);
    if (cached == cache.end()) cache.emplace(sig, a);
    a.workloadKey = workloadKey(w);
    ++result.propertiesChecked;
    llvm::StringRef kw = model::workloadKeyword(w.kind);
    if (!a.conclusive) {
      ++result.inconclusive;
      diags.report(DiagKind::FailureRulesInconclusive, w.nameRange, kw.str(), w.name, a.inconclusiveReason);
    }
    for (size_t k = 0; k < a.rules.size(); ++k) {
      const FailureRuleAnalysis::Rule &r = a.rules[k];
      if (r.reachable) continue;
      std::string why;
      if (r.shadowedBy.empty()) {
        why = "it matches no failure";
        if (rules[k].notIn) why += " (`not in` lists every exit code from 1 to 255)";
      } else {
        std::string list;
        for (size_t i = 0; i < r.shadowedBy.size(); ++i)
          list += fmt::format("{}{}", i == 0 ? "" : i + 1 == r.shadowedBy.size() ? " and " : ", ", r.shadowedBy[i] + 1);
        why = fmt::format("every failure it matches is taken first by rule{} {}", r.shadowedBy.size() > 1 ? "s" : "", list);
      }
      Diagnostic &d = diags.report(DiagKind::ShadowedFailureRule, rules[k].range, k + 1, describeRule(rules[k]), why);
      for (size_t i : r.shadowedBy) d.label(rules[i].range, fmt::format("rule {} (`{}`) matches first", i + 1, describeRule(rules[i])));
      if (!r.shadowedBy.empty()) d.note("rules are tried in order and the first match decides: move this rule up or remove it");
    }
    for (const FailureRuleAnalysis::Overlap &o : a.overlaps) {
      const char *first = model::failureActionRigName(rules[o.first].action);
      const char *second = model::failureActionRigName(rules[o.second].action);
      diags.report(DiagKind::OverlappingFailureRules, rules[o.second].range, o.witness, o.first + 1, first, o.second + 1, second, o.first + 1)
          .label(rules[o.first].range, fmt::format("rule {} decides first", o.first + 1));
    }
    result.failureRules.push_back(std::move(a));
  }
}

} // namespace rig::verify
