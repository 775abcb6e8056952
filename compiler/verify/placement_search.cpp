#include "compiler/verify/placement_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "compiler/verify/node_packing.h"

namespace rig::verify::gpu {

namespace {

// Bounds on the enumeration of node configurations: past them the search
// still tries the configurations it has (a placement found is still a
// proof), but "unsat" no longer refutes.
constexpr uint64_t kPackingSteps = 2'000'000;
constexpr size_t kMaxConfigurations = 20'000;

// What a node can tell about a pod: per request its MIG profile (or full
// GPUs), count and topology scope. Classes, bandwidth and node selectors
// only decide which shapes can run it, which is part of a kind too.
std::string footprint(const Pod &pod) {
  std::vector<std::string> parts;
  for (const PodRequest &r : pod.requests)
    parts.push_back(fmt::format("{}x{}{}{}", r.mig ? r.mig->name.str() : "gpu", r.request->count,
                                r.request->sameNvlinkDomain ? "n" : "", r.request->samePcieRoot ? "p" : ""));
  std::sort(parts.begin(), parts.end());
  std::string key;
  for (const std::string &p : parts) key += p + ";";
  return key;
}

// Everything that decides which shapes can run a pod.
std::string eligibilityKey(const Pod &pod) {
  std::string key = footprint(pod) + "|";
  for (const PodRequest &r : pod.requests)
    key += fmt::format("{}/{}/{};", r.cls->name, r.request->minBandwidthGBps, r.request->count);
  for (const auto &[k, v] : pod.selector) key += k + "=" + v + ";";
  return key;
}

struct Kind {
  std::vector<size_t> units; // in pod order
  std::vector<bool> eligible; // per shape
};

class ConfigurationEnumerator {
public:
  ConfigurationEnumerator(const std::vector<Pod> &pods, const std::vector<Kind> &kinds, const model::NodeShape &shape,
                          std::vector<size_t> eligible, uint64_t &budget, size_t &configLimit)
      : pods_(pods), kinds_(kinds), shape_(shape), eligible_(std::move(eligible)), budget_(budget), configLimit_(configLimit) {}

  // The maximal multisets of the eligible kinds (multiplicities per
  // eligible kind) that fit on one node, each capped at the kind's pods.
  std::vector<std::vector<int>> run(bool &complete) {
    std::vector<int> mult(eligible_.size(), 0);
    dfs(0, mult);
    complete = complete_;
    return std::move(configs_);
  }

private:
  bool fits(const std::vector<int> &mult) {
    auto [it, fresh] = cache_.emplace(mult, false);
    if (!fresh) return it->second;
    std::vector<size_t> units;
    for (size_t k = 0; k < mult.size(); ++k)
      for (int i = 0; i < mult[k]; ++i) units.push_back(kinds_[eligible_[k]].units[static_cast<size_t>(i)]);
    NodeFit f = packNodeExactly(pods_, units, shape_, 0, budget_, nullptr);
    if (f == NodeFit::Unknown) complete_ = false;
    return it->second = f == NodeFit::Fits;
  }

  // Multisets are built in nondecreasing kind order, so each is met once.
  void dfs(size_t from, std::vector<int> &mult) {
    if (!complete_ && (budget_ == 0 || configLimit_ == 0)) return;
    bool maximal = true;
    for (size_t k = 0; k < mult.size(); ++k) {
      if (mult[k] == static_cast<int>(kinds_[eligible_[k]].units.size())) continue;
      ++mult[k];
      if (fits(mult)) {
        maximal = false;
        if (k >= from) dfs(k, mult);
      }
      --mult[k];
    }
    if (!maximal || std::all_of(mult.begin(), mult.end(), [](int m) { return m == 0; })) return;
    if (configLimit_ == 0) {
      complete_ = false;
      return;
    }
    --configLimit_;
    configs_.push_back(mult);
  }

  const std::vector<Pod> &pods_;
  const std::vector<Kind> &kinds_;
  const model::NodeShape &shape_;
  std::vector<size_t> eligible_; // kind indexes
  uint64_t &budget_;
  size_t &configLimit_;
  std::map<std::vector<int>, bool> cache_;
  std::vector<std::vector<int>> configs_;
  bool complete_ = true;
};

} // namespace

SearchOutcome solvePlacement(const std::vector<Pod> &pods, const std::vector<Node> &nodes, size_t shapeCount,
                             const VerifyOptions &opts) {
  SearchOutcome out;
  std::vector<const model::NodeShape *> shapeOf(shapeCount, nullptr);
  std::vector<std::vector<size_t>> nodesOf(shapeCount);
  for (size_t n = 0; n < nodes.size(); ++n) {
    if (!shapeOf[nodes[n].shapeIndex]) shapeOf[nodes[n].shapeIndex] = nodes[n].shape;
    nodesOf[nodes[n].shapeIndex].push_back(n);
  }
  uint64_t budget = kPackingSteps;
  bool complete = true;

  // Kinds: pods a node cannot tell apart and the same shapes can run.
  std::vector<Kind> kinds;
  std::vector<size_t> kindOf(pods.size());
  {
    std::map<std::string, std::vector<bool>> eligibility;
    std::map<std::string, size_t> kindByKey;
    for (size_t u = 0; u < pods.size(); ++u) {
      auto [it, fresh] = eligibility.emplace(eligibilityKey(pods[u]), std::vector<bool>());
      if (fresh)
        for (size_t s = 0; s < shapeCount; ++s) {
          NodeFit f = shapeOf[s] ? packNodeExactly(pods, {u}, *shapeOf[s], 0, budget, nullptr) : NodeFit::DoesNotFit;
          if (f == NodeFit::Unknown) complete = false;
          it->second.push_back(f == NodeFit::Fits);
        }
      std::string key = footprint(pods[u]) + "|";
      for (bool e : it->second) key += e ? '1' : '0';
      auto [k, newKind] = kindByKey.emplace(key, kinds.size());
      if (newKind) kinds.push_back({{}, it->second});
      kinds[k->second].units.push_back(u);
      kindOf[u] = k->second;
    }
  }
  out.kinds = kinds.size();

  // Configurations per shape.
  size_t configLimit = kMaxConfigurations;
  std::vector<std::vector<size_t>> eligibleKinds(shapeCount);
  std::vector<std::vector<std::vector<int>>> configs(shapeCount);
  for (size_t s = 0; s < shapeCount; ++s) {
    if (!shapeOf[s]) continue;
    for (size_t k = 0; k < kinds.size(); ++k)
      if (kinds[k].eligible[s]) eligibleKinds[s].push_back(k);
    if (eligibleKinds[s].empty()) continue;
    bool shapeComplete = true;
    ConfigurationEnumerator e(pods, kinds, *shapeOf[s], eligibleKinds[s], budget, configLimit);
    configs[s] = e.run(shapeComplete);
    complete = complete && shapeComplete;
    out.configurations += configs[s].size();
  }

  // The integer program.
  Solver solver(opts);
  std::vector<std::vector<Solver::Term>> x(shapeCount);
  std::vector<std::vector<std::pair<Solver::Term, int64_t>>> coverage(kinds.size());
  for (size_t s = 0; s < shapeCount; ++s) {
    std::vector<Solver::Term> used;
    for (size_t c = 0; c < configs[s].size(); ++c) {
      Solver::Term v = solver.intVar(fmt::format("x_{}_{}", s, c));
      solver.add(solver.linearGe({v}, {1}, 0));
      x[s].push_back(v);
      for (size_t k = 0; k < configs[s][c].size(); ++k)
        if (configs[s][c][k] > 0) coverage[eligibleKinds[s][k]].emplace_back(v, configs[s][c][k]);
    }
    if (x[s].empty()) continue;
    solver.addTracked(solver.linearLe(x[s], std::vector<int64_t>(x[s].size(), 1), static_cast<int64_t>(nodesOf[s].size())),
                      fmt::format("nodes:{}", s));
  }
  for (size_t k = 0; k < kinds.size(); ++k) {
    std::vector<Solver::Term> vars;
    std::vector<int64_t> mult;
    for (auto [v, m] : coverage[k]) {
      vars.push_back(v);
      mult.push_back(m);
    }
    solver.addTracked(solver.linearGe(vars, mult, static_cast<int64_t>(kinds[k].units.size())), fmt::format("demand:{}", k));
  }
  out.result = solver.check();
  if (out.result == SolverResult::Unsat && !complete) {
    out.result = SolverResult::Unknown;
    out.why = fmt::format("too many distinct ways to fill a node to try them all ({} kinds of pods, {} node configurations)",
                          kinds.size(), out.configurations);
    return out;
  }
  if (out.result == SolverResult::Timeout || out.result == SolverResult::Unknown) {
    out.why = solver.reasonUnknown();
    return out;
  }
  if (out.result == SolverResult::Unsat) {
    for (const std::string &label : solver.unsatCore()) {
      llvm::StringRef l(label);
      size_t index = 0;
      if (l.consume_front("demand:") && !l.getAsInteger(10, index))
        for (size_t u : kinds[index].units) out.coreUnits.push_back(u);
      else if (l.consume_front("nodes:") && !l.getAsInteger(10, index))
        out.coreShapes.push_back(index);
    }
    std::sort(out.coreUnits.begin(), out.coreUnits.end());
    std::sort(out.coreShapes.begin(), out.coreShapes.end());
    return out;
  }

  // Decode: shape by shape, configuration by configuration, the next free
  // nodes of the shape take the next unplaced pods of each kind; then the
  // devices of each node are chosen exactly.
  std::vector<size_t> nextOfKind(kinds.size(), 0);
  out.placement.podNode.assign(pods.size(), 0);
  for (size_t s = 0; s < shapeCount; ++s) {
    size_t nextNode = 0;
    for (size_t c = 0; c < configs[s].size(); ++c) {
      int64_t copies = solver.intValue(x[s][c]);
      for (int64_t i = 0; i < copies && nextNode < nodesOf[s].size(); ++i) {
        std::vector<size_t> units;
        for (size_t k = 0; k < configs[s][c].size(); ++k) {
          size_t kind = eligibleKinds[s][k];
          for (int m = 0; m < configs[s][c][k] && nextOfKind[kind] < kinds[kind].units.size(); ++m)
            units.push_back(kinds[kind].units[nextOfKind[kind]++]);
        }
        if (units.empty()) continue;
        size_t node = nodesOf[s][nextNode++];
        uint64_t nodeBudget = kPackingSteps;
        if (packNodeExactly(pods, units, *shapeOf[s], node, nodeBudget, &out.placement.assignments) != NodeFit::Fits) {
          out.result = SolverResult::Unknown;
          out.why = fmt::format("internal: a configuration of node `{}` did not fit when decoded", nodes[node].name);
          return out;
        }
        for (size_t u : units) out.placement.podNode[u] = node;
      }
    }
  }
  for (size_t k = 0; k < kinds.size(); ++k)
    if (nextOfKind[k] != kinds[k].units.size()) {
      out.result = SolverResult::Unknown;
      out.why = "internal: the solver's model leaves pods unplaced";
      return out;
    }
  std::sort(out.placement.assignments.begin(), out.placement.assignments.end(), [](const Assignment &a, const Assignment &b) {
    return std::tie(a.node, a.pod, a.request) < std::tie(b.node, b.pod, b.request);
  });
  return out;
}

} // namespace rig::verify::gpu
