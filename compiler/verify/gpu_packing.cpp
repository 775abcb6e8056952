#include "compiler/verify/gpu_packing.h"
#include "compiler/verify/node_packing.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

namespace rig::verify::gpu {

int64_t Pod::fullGpus() const {
  int64_t n = 0;
  for (const PodRequest &r : requests)
    if (!r.mig) n += r.request->count;
  return n;
}

int64_t Pod::migComputeSlices() const {
  int64_t n = 0;
  for (const PodRequest &r : requests)
    if (r.mig) n += r.request->count * r.mig->computeSlices;
  return n;
}

int64_t podsOf(const model::Workload &w) { return model::concurrentPods(w); }

std::vector<Pod> collectPods(const model::Program &program) {
  std::vector<Pod> pods;
  std::set<std::string> knownKeys;
  if (program.devices.cluster)
    for (const model::NodeGroup &g : program.devices.cluster->groups)
      for (const auto &[k, v] : g.shape.labels) knownKeys.insert(k);
  // Pods sharing a claim form one unit: union-find over the pods.
  std::vector<size_t> parent;
  std::map<std::string, size_t> firstPodOfClaim;
  std::vector<std::vector<const model::SharedClaim *>> claimsOf;
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const model::Workload &w : program.workloads) {
    if (w.gpus.empty()) continue;
    int64_t n = podsOf(w);
    for (int64_t i = 0; i < n; ++i) {
      Pod pod;
      pod.workload = &w;
      pod.index = static_cast<int>(i);
      pod.memberPods = {{&w, static_cast<int>(i)}};
      for (const auto &[k, v] : w.pod.nodeSelector)
        if (knownKeys.count(k)) pod.selector[k] = v;
      std::vector<const model::SharedClaim *> shared;
      for (const model::GpuRequest &r : w.gpus) {
        if (!r.sharedClaim.empty()) {
          if (const model::SharedClaim *c = program.devices.findClaim(w.ns, r.sharedClaim)) shared.push_back(c);
          continue;
        }
        const model::DeviceClass *cls = program.devices.findClass(r.className);
        if (!cls) continue;
        pod.requests.push_back({&r, cls, cls->migProfile.empty() ? nullptr : model::findMigProfile(cls->migProfile), &w,
                                static_cast<int>(i), nullptr});
      }
      if (pod.requests.empty() && shared.empty()) continue;
      size_t self = pods.size();
      pods.push_back(std::move(pod));
      parent.push_back(self);
      claimsOf.push_back(shared);
      for (const model::SharedClaim *c : shared) {
        auto [it, fresh] = firstPodOfClaim.emplace(c->ns + "/" + c->name, self);
        if (!fresh) parent[find(self)] = find(it->second);
      }
    }
  }
  // Merge each unit into its root, in pod order; each claim once.
  std::vector<Pod> units;
  std::map<size_t, size_t> unitOfRoot;
  std::set<const model::SharedClaim *> placed;
  for (size_t p = 0; p < pods.size(); ++p) {
    size_t root = find(p);
    auto [it, fresh] = unitOfRoot.emplace(root, units.size());
    if (fresh) {
      units.push_back(pods[p]);
      units.back().members = 0;
      units.back().requests.clear();
      units.back().memberPods.clear();
    }
    Pod &unit = units[it->second];
    ++unit.members;
    unit.memberPods.push_back(pods[p].memberPods.front());
    // A unit's pods share a node: every selector must hold there (two
    // different values for one key leave no node; the placement fails).
    for (const auto &[k, v] : pods[p].selector) {
      auto [sel, fresh] = unit.selector.emplace(k, v);
      if (!fresh && sel->second != v) sel->second = "\x01conflict";
    }
    for (const PodRequest &r : pods[p].requests) unit.requests.push_back(r);
    for (const model::SharedClaim *c : claimsOf[p]) {
      if (!placed.insert(c).second) continue;
      const model::DeviceClass *cls = program.devices.findClass(c->request.className);
      if (!cls) continue;
      unit.requests.push_back({&c->request, cls, cls->migProfile.empty() ? nullptr : model::findMigProfile(cls->migProfile),
                               nullptr, 0, c});
    }
  }
  units.erase(std::remove_if(units.begin(), units.end(), [](const Pod &u) { return u.requests.empty(); }), units.end());
  return units;
}

bool sameShape(const model::NodeShape &a, const model::NodeShape &b) {
  auto mem = [](const model::NodeShape &s) { return s.memory ? s.memory->milli : static_cast<__int128>(-1); };
  return a.gpus == b.gpus && a.model == b.model && a.architecture == b.architecture && mem(a) == mem(b) &&
         a.nvlinkDomainSize == b.nvlinkDomainSize && a.linkBandwidthGBps == b.linkBandwidthGBps &&
         a.pcieRootSize == b.pcieRootSize && a.mig == b.mig && a.labels == b.labels;
}

std::vector<Node> expandNodes(const model::Cluster &cluster, std::vector<const model::NodeShape *> &shapes) {
  std::vector<Node> nodes;
  for (const model::NodeGroup &g : cluster.groups) {
    size_t index = shapes.size();
    for (size_t i = 0; i < shapes.size(); ++i)
      if (sameShape(*shapes[i], g.shape)) index = i;
    if (index == shapes.size()) shapes.push_back(&g.shape);
    for (const std::string &n : g.nodes) nodes.push_back({n, &g.shape, index});
  }
  return nodes;
}

namespace {

// The free devices of one node while placing.
struct NodeState {
  std::vector<bool> used;         // full GPUs
  std::vector<uint8_t> migMask;   // per GPU: memory slices taken
  std::vector<int> migCompute;    // per GPU: compute slices taken
  int64_t freeGpus = 0;
  int64_t freeCompute = 0;
  explicit NodeState(const model::NodeShape &s)
      : used(s.gpus, false), migMask(s.gpus, 0), migCompute(s.gpus, 0), freeGpus(s.gpus),
        freeCompute(s.mig ? s.gpus * model::kMigComputeSlices : 0) {}
};

// The group of GPUs that must hold all devices of a request: the same NVLink
// domain and/or PCIe root; 0 when unconstrained.
int64_t groupOf(const model::GpuRequest &r, const model::NodeShape &s, int g) {
  int64_t domain = r.sameNvlinkDomain ? g / s.nvlinkDomainSize : 0;
  int64_t root = r.samePcieRoot ? g / s.pcieRootSize : 0;
  return domain * (s.gpus + 1) + root;
}

bool placeFull(const PodRequest &pr, const model::NodeShape &shape, NodeState &st, Assignment &a) {
  const model::GpuRequest &r = *pr.request;
  // Best fit: the group with the fewest free GPUs that still holds the
  // request, so larger groups stay whole for larger requests.
  std::map<int64_t, std::vector<int>> freeByGroup;
  for (int g = 0; g < shape.gpus; ++g)
    if (!st.used[g]) freeByGroup[groupOf(r, shape, g)].push_back(g);
  const std::vector<int> *best = nullptr;
  for (const auto &[key, gpus] : freeByGroup)
    if (static_cast<int64_t>(gpus.size()) >= r.count && (!best || gpus.size() < best->size())) best = &gpus;
  if (!best) return false;
  a.gpus.assign(best->begin(), best->begin() + r.count);
  for (int g : a.gpus) st.used[g] = true;
  st.freeGpus -= r.count;
  return true;
}

bool placeMig(const PodRequest &pr, const model::NodeShape &shape, NodeState &st, Assignment &a) {
  const model::MigProfile &p = *pr.mig;
  uint8_t width = static_cast<uint8_t>((1u << p.memorySlices) - 1);
  for (int64_t i = 0; i < pr.request->count; ++i) {
    bool placed = false;
    for (int g = 0; g < shape.gpus && !placed; ++g) {
      if (st.migCompute[g] + p.computeSlices > model::kMigComputeSlices) continue;
      // Small instances from the top of the GPU down, large ones from the
      // bottom up: leaves the low starts that 4g/7g need free longest.
      std::vector<int> starts = p.starts;
      if (p.memorySlices < 4) std::reverse(starts.begin(), starts.end());
      for (int start : starts) {
        uint8_t mask = static_cast<uint8_t>(width << start);
        if (st.migMask[g] & mask) continue;
        st.migMask[g] |= mask;
        st.migCompute[g] += p.computeSlices;
        st.freeCompute -= p.computeSlices;
        a.gpus.push_back(g);
        a.starts.push_back(start);
        placed = true;
        break;
      }
    }
    if (!placed) return false;
  }
  return true;
}

// Places every request of the pod on the node, or changes nothing.
bool placePod(const Pod &pod, size_t podIndex, size_t nodeIndex, const Node &node, NodeState &st,
              std::vector<Assignment> &out) {
  const model::NodeShape &shape = *node.shape;
  if (pod.fullGpus() > st.freeGpus || pod.migComputeSlices() > st.freeCompute) return false;
  for (const auto &[k, v] : pod.selector) {
    auto it = shape.labels.find(k);
    if (it == shape.labels.end() || it->second != v) return false;
  }
  for (const PodRequest &r : pod.requests)
    if (!model::requestFitsShape(*r.request, *r.cls, shape)) return false;
  // Constrained and larger requests first.
  std::vector<size_t> order(pod.requests.size());
  std::iota(order.begin(), order.end(), 0);
  auto weight = [&](size_t i) {
    const PodRequest &r = pod.requests[i];
    int64_t size = r.mig ? r.mig->memorySlices * r.request->count : r.request->count * 8;
    bool constrained = r.request->sameNvlinkDomain || r.request->samePcieRoot;
    return std::make_pair(constrained ? 1 : 0, size);
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return weight(a) > weight(b); });
  NodeState trial = st;
  std::vector<Assignment> made;
  for (size_t i : order) {
    Assignment a;
    a.pod = podIndex;
    a.request = i;
    a.node = nodeIndex;
    const PodRequest &r = pod.requests[i];
    if (!(r.mig ? placeMig(r, shape, trial, a) : placeFull(r, shape, trial, a))) return false;
    made.push_back(std::move(a));
  }
  st = std::move(trial);
  for (Assignment &a : made) out.push_back(std::move(a));
  return true;
}

// Two pods ask for the same thing: the same requests of the same workload.
bool interchangeable(const Pod &a, const Pod &b) {
  if (a.workload != b.workload || a.members != 1 || b.members != 1 || a.requests.size() != b.requests.size()) return false;
  for (size_t i = 0; i < a.requests.size(); ++i)
    if (a.requests[i].request != b.requests[i].request || a.requests[i].claim || b.requests[i].claim) return false;
  return true;
}

} // namespace

bool podFitsEmptyShape(const Pod &pod, const model::NodeShape &shape) {
  // Exactly, not first-fit: a "no" here refutes (E0711) and excludes shapes
  // from the solver's relaxation. A search that runs out of steps answers
  // "fits", which refutes nothing.
  std::vector<Pod> one{pod};
  uint64_t budget = 1'000'000;
  return packNodeExactly(one, {0}, shape, 0, budget, nullptr) != NodeFit::DoesNotFit;
}

bool greedyPlace(const std::vector<Pod> &pods, const std::vector<Node> &nodes, Placement &out) {
  std::vector<size_t> order(pods.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::make_pair(pods[a].fullGpus(), pods[a].migComputeSlices()) >
           std::make_pair(pods[b].fullGpus(), pods[b].migComputeSlices());
  });
  std::vector<NodeState> states;
  states.reserve(nodes.size());
  for (const Node &n : nodes) states.emplace_back(*n.shape);
  out.podNode.assign(pods.size(), 0);
  // Pods that found no room on a node of a shape need not try the same
  // shape's other empty nodes: identical nodes give identical answers.
  // A pod like the one before it starts where that one landed: the nodes
  // before refused an identical pod and have only filled up since (skipping
  // them can only cost first-fit a success, never soundness — its result is
  // checked). Keeps first-fit linear when many replicas fail late.
  const Pod *previous = nullptr;
  for (size_t p : order) {
    bool placed = false;
    std::vector<bool> emptyShapeFailed;
    size_t first = previous && interchangeable(*previous, pods[p]) ? out.podNode[previous - pods.data()] : 0;
    previous = &pods[p];
    for (size_t n = first; n < nodes.size() && !placed; ++n) {
      NodeState &st = states[n];
      bool empty = st.freeGpus == nodes[n].shape->gpus &&
                   st.freeCompute == (nodes[n].shape->mig ? nodes[n].shape->gpus * model::kMigComputeSlices : 0);
      if (empty && nodes[n].shapeIndex < emptyShapeFailed.size() && emptyShapeFailed[nodes[n].shapeIndex]) continue;
      if (placePod(pods[p], p, n, nodes[n], st, out.assignments)) {
        out.podNode[p] = n;
        placed = true;
      } else if (empty) {
        if (emptyShapeFailed.size() <= nodes[n].shapeIndex) emptyShapeFailed.resize(nodes[n].shapeIndex + 1, false);
        emptyShapeFailed[nodes[n].shapeIndex] = true;
      }
    }
    if (!placed) return false;
  }
  std::sort(out.assignments.begin(), out.assignments.end(), [](const Assignment &a, const Assignment &b) {
    return std::tie(a.node, a.pod, a.request) < std::tie(b.node, b.pod, b.request);
  });
  return true;
}

namespace {

struct Search {
  const std::vector<Pod> &pods;
  const std::vector<Node> &nodes;
  std::vector<size_t> order;
  std::vector<NodeState> states;
  std::vector<Assignment> assignments;
  std::vector<size_t> podNode;
  uint64_t steps = 0, limit = 0;
  bool limitHit = false;

  bool run(size_t depth) {
    if (depth == order.size()) return true;
    size_t p = order[depth];
    size_t firstNode = 0;
    if (depth > 0 && interchangeable(pods[order[depth - 1]], pods[p])) firstNode = podNode[order[depth - 1]];
    std::set<std::string> tried; // (shape, state) pairs this level already tried
    for (size_t n = firstNode; n < nodes.size(); ++n) {
      // Every node looked at counts, so the bound holds on large clusters.
      if (++steps > limit) {
        limitHit = true;
        return false;
      }
      if (!tried.insert(key(n)).second) continue;
      NodeState saved = states[n];
      size_t mark = assignments.size();
      if (!placePod(pods[p], p, n, nodes[n], states[n], assignments)) continue;
      podNode[p] = n;
      if (run(depth + 1)) return true;
      if (limitHit) return false;
      states[n] = std::move(saved);
      assignments.resize(mark);
    }
    return false;
  }

  // A node's shape and free devices: nodes with equal keys are
  // interchangeable for the rest of the search.
  std::string key(size_t n) const {
    const NodeState &st = states[n];
    std::string k = std::to_string(nodes[n].shapeIndex) + ":";
    for (bool u : st.used) k += u ? '1' : '0';
    for (uint8_t m : st.migMask) k += static_cast<char>('A' + (m & 0x0f)), k += static_cast<char>('A' + (m >> 4));
    return k;
  }
};

} // namespace

bool searchPlace(const std::vector<Pod> &pods, const std::vector<Node> &nodes, uint64_t stepLimit, Placement &out,
                 bool &limitHit) {
  Search s{pods, nodes, {}, {}, {}, std::vector<size_t>(pods.size(), 0), 0, stepLimit, false};
  s.order.resize(pods.size());
  std::iota(s.order.begin(), s.order.end(), 0);
  std::stable_sort(s.order.begin(), s.order.end(), [&](size_t a, size_t b) {
    return std::make_pair(pods[a].fullGpus(), pods[a].migComputeSlices()) >
           std::make_pair(pods[b].fullGpus(), pods[b].migComputeSlices());
  });
  s.states.reserve(nodes.size());
  for (const Node &n : nodes) s.states.emplace_back(*n.shape);
  bool found = s.run(0);
  limitHit = s.limitHit;
  if (!found) return false;
  out.assignments = std::move(s.assignments);
  out.podNode = std::move(s.podNode);
  std::sort(out.assignments.begin(), out.assignments.end(), [](const Assignment &a, const Assignment &b) {
    return std::tie(a.node, a.pod, a.request) < std::tie(b.node, b.pod, b.request);
  });
  return true;
}

std::string checkPlacement(const std::vector<Pod> &pods, const std::vector<Node> &nodes, const Placement &p) {
  if (p.podNode.size() != pods.size()) return "not every pod has a node";
  std::vector<std::vector<int>> seen(pods.size());
  for (size_t i = 0; i < pods.size(); ++i) seen[i].assign(pods[i].requests.size(), 0);
  std::map<size_t, std::vector<bool>> fullUsed;
  std::map<size_t, std::vector<uint8_t>> migMask;
  std::map<size_t, std::vector<int>> migCompute;
  for (const Assignment &a : p.assignments) {
    if (a.pod >= pods.size() || a.request >= pods[a.pod].requests.size() || a.node >= nodes.size()) return "an assignment is out of range";
    const Pod &pod = pods[a.pod];
    const PodRequest &r = pod.requests[a.request];
    const model::NodeShape &s = *nodes[a.node].shape;
    std::string what = fmt::format("`{}` pod {} request `{}` on `{}`", pod.workload->name, a.pod, r.request->name, nodes[a.node].name);
    if (a.node != p.podNode[a.pod]) return what + ": not on its pod's node";
    for (const auto &[k, v] : pod.selector)
      if (!s.labels.count(k) || s.labels.at(k) != v) return what + fmt::format(": the node lacks label {}={}", k, v);
    ++seen[a.pod][a.request];
    if (!model::classMatchesShape(*r.cls, s)) return what + ": the class does not select these GPUs";
    if (static_cast<int64_t>(a.gpus.size()) != r.request->count) return what + ": wrong number of devices";
    for (int g : a.gpus)
      if (g < 0 || g >= s.gpus) return what + ": no such GPU";
    if (r.mig) {
      if (a.starts.size() != a.gpus.size()) return what + ": MIG instance without a start";
      auto &mask = migMask.try_emplace(a.node, s.gpus, 0).first->second;
      auto &compute = migCompute.try_emplace(a.node, s.gpus, 0).first->second;
      for (size_t i = 0; i < a.gpus.size(); ++i) {
        int g = a.gpus[i], start = a.starts[i];
        if (std::find(r.mig->starts.begin(), r.mig->starts.end(), start) == r.mig->starts.end())
          return what + fmt::format(": `{}` cannot start at slice {}", r.mig->name.str(), start);
        uint8_t m = static_cast<uint8_t>(((1u << r.mig->memorySlices) - 1) << start);
        if (mask[g] & m) return what + fmt::format(": memory slices of GPU {} taken twice", g);
        mask[g] |= m;
        compute[g] += r.mig->computeSlices;
        if (compute[g] > model::kMigComputeSlices) return what + fmt::format(": more than 7 compute slices on GPU {}", g);
      }
      continue;
    }
    auto &used = fullUsed.try_emplace(a.node, s.gpus, false).first->second;
    for (int g : a.gpus) {
      if (used[g]) return what + fmt::format(": GPU {} is allocated twice", g);
      used[g] = true;
    }
    for (int g : a.gpus) {
      if (r.request->sameNvlinkDomain && g / s.nvlinkDomainSize != a.gpus.front() / s.nvlinkDomainSize)
        return what + ": GPUs in different NVLink domains";
      if (r.request->samePcieRoot && g / s.pcieRootSize != a.gpus.front() / s.pcieRootSize)
        return what + ": GPUs under different PCIe roots";
    }
    if (r.request->minBandwidthGBps > 0 && (s.linkBandwidthGBps < r.request->minBandwidthGBps || s.nvlinkDomainSize < 2))
      return what + ": NVLink slower than asked";
  }
  for (size_t i = 0; i < pods.size(); ++i)
    for (size_t j = 0; j < seen[i].size(); ++j)
      if (seen[i][j] != 1) return fmt::format("`{}` pod {} request {} is placed {} times", pods[i].workload->name, i, j, seen[i][j]);
  return "";
}

} // namespace rig::verify::gpu
