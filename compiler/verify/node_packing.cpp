#include "compiler/verify/node_packing.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <string>

namespace rig::verify::gpu {

namespace {

// Scope bits of a full-GPU request: where all its GPUs must lie.
constexpr int kSameDomain = 1, kSameRoot = 2;

struct FullRequest {
  size_t slot = 0; // index into the caller's (unit, request) list
  int64_t count = 0;
  int scope = 0;
};

// Full GPUs. GPUs that every used scope treats alike form an atom (the
// intersection of an NVLink domain and a PCIe root, or coarser when no
// request asks for one of them); within an atom GPUs are interchangeable,
// so a request is a choice of container (domain, root, atom or the node)
// and of how many GPUs it takes from each atom of it.
class FullPacker {
public:
  FullPacker(const model::NodeShape &shape, std::vector<FullRequest> requests, uint64_t &budget)
      : shape_(shape), requests_(std::move(requests)), budget_(budget) {
    int used = 0;
    for (const FullRequest &r : requests_) used |= r.scope;
    std::map<std::pair<int64_t, int64_t>, size_t> atomOf;
    for (int g = 0; g < shape.gpus; ++g) {
      std::pair<int64_t, int64_t> key{used & kSameDomain ? g / shape.nvlinkDomainSize : 0,
                                      used & kSameRoot ? g / shape.pcieRootSize : 0};
      auto [it, fresh] = atomOf.emplace(key, atoms_.size());
      if (fresh) atoms_.push_back({key.first, key.second, {}});
      atoms_[it->second].gpus.push_back(g);
    }
    // The tightest requests first, larger before smaller; requests without a
    // scope last, where only the number of free GPUs matters.
    std::stable_sort(requests_.begin(), requests_.end(), [](const FullRequest &a, const FullRequest &b) {
      auto tight = [](int s) { return s == (kSameDomain | kSameRoot) ? 2 : s ? 1 : 0; };
      return std::make_pair(tight(a.scope), a.count) > std::make_pair(tight(b.scope), b.count);
    });
    firstFree_ = requests_.size();
    for (size_t i = 0; i < requests_.size(); ++i)
      if (requests_[i].scope == 0) {
        firstFree_ = i;
        break;
      }
  }

  NodeFit run() {
    std::vector<int64_t> free(atoms_.size());
    for (size_t a = 0; a < atoms_.size(); ++a) free[a] = static_cast<int64_t>(atoms_[a].gpus.size());
    take_.assign(requests_.size(), std::vector<int64_t>(atoms_.size(), 0));
    bool ok = place(0, free);
    if (exhausted_) return NodeFit::Unknown;
    return ok ? NodeFit::Fits : NodeFit::DoesNotFit;
  }

  // After Fits: the GPUs of each request, by the caller's slot.
  std::map<size_t, std::vector<int>> devices() const {
    std::map<size_t, std::vector<int>> out;
    std::vector<size_t> cursor(atoms_.size(), 0);
    for (size_t i = 0; i < requests_.size(); ++i) {
      std::vector<int> &gpus = out[requests_[i].slot];
      for (size_t a = 0; a < atoms_.size(); ++a)
        for (int64_t t = 0; t < take_[i][a]; ++t) gpus.push_back(atoms_[a].gpus[cursor[a]++]);
      std::sort(gpus.begin(), gpus.end());
    }
    return out;
  }

private:
  struct Atom {
    int64_t domain, root;
    std::vector<int> gpus;
  };

  bool place(size_t i, std::vector<int64_t> &free) {
    if (i == firstFree_) return placeUnscoped(i, free);
    std::string key = std::to_string(i);
    for (int64_t f : free) key += "," + std::to_string(f);
    if (failed_.count(key)) return false;
    const FullRequest &r = requests_[i];
    // Containers: the distinct domains / roots / atoms the scope allows.
    std::set<std::pair<int64_t, int64_t>> seen;
    for (size_t a = 0; a < atoms_.size(); ++a) {
      std::pair<int64_t, int64_t> c{r.scope & kSameDomain ? atoms_[a].domain : -1, r.scope & kSameRoot ? atoms_[a].root : -1};
      if (!seen.insert(c).second) continue;
      std::vector<size_t> members;
      int64_t room = 0;
      for (size_t b = 0; b < atoms_.size(); ++b)
        if ((c.first < 0 || atoms_[b].domain == c.first) && (c.second < 0 || atoms_[b].root == c.second)) {
          members.push_back(b);
          room += free[b];
        }
      if (room < r.count) continue;
      if (split(i, members, 0, r.count, free)) return true;
      if (exhausted_) return false;
    }
    failed_.insert(std::move(key));
    return false;
  }

  // Every way of taking `left` GPUs of request i from members[m..].
  bool split(size_t i, const std::vector<size_t> &members, size_t m, int64_t left, std::vector<int64_t> &free) {
    if (left == 0) {
      if (budget_ == 0) {
        exhausted_ = true;
        return false;
      }
      --budget_;
      return place(i + 1, free);
    }
    if (m == members.size()) return false;
    size_t a = members[m];
    for (int64_t t = std::min(left, free[a]); t >= 0; --t) {
      free[a] -= t;
      take_[i][a] = t;
      bool ok = split(i, members, m + 1, left - t, free);
      free[a] += t;
      if (ok) return true;
      take_[i][a] = 0;
      if (exhausted_) return false;
    }
    return false;
  }

  // Requests without a scope fit iff enough GPUs are left; they take them
  // in GPU order.
  bool placeUnscoped(size_t i, std::vector<int64_t> &free) {
    int64_t need = 0, have = std::accumulate(free.begin(), free.end(), int64_t{0});
    for (size_t j = i; j < requests_.size(); ++j) need += requests_[j].count;
    if (need > have) return false;
    std::vector<int64_t> left = free;
    size_t a = 0;
    for (size_t j = i; j < requests_.size(); ++j)
      for (int64_t n = requests_[j].count; n > 0;) {
        while (left[a] == 0) ++a;
        int64_t t = std::min(n, left[a]);
        take_[j][a] += t;
        left[a] -= t;
        n -= t;
      }
    return true;
  }

  const model::NodeShape &shape_;
  std::vector<FullRequest> requests_;
  uint64_t &budget_;
  std::vector<Atom> atoms_;
  size_t firstFree_ = 0;
  std::vector<std::vector<int64_t>> take_; // per request, GPUs per atom
  std::set<std::string> failed_;
  bool exhausted_ = false;
};

struct MigInstance {
  size_t slot = 0;
  const model::MigProfile *profile = nullptr;
};

// MIG instances. MIG GPUs have no topology, so a node is G interchangeable
// GPUs, and what one GPU can hold is a small set: every multiset of the
// profiles asked for that has a legal layout (start slices without
// overlapping memory slices, at most 7 compute slices). The node question
// is then whether the instances split into at most G such multisets — a
// search over "how many of each profile are left" with failed states
// remembered, GPUs taking multisets in a fixed order (they are alike).
class MigPacker {
public:
  MigPacker(const model::NodeShape &shape, std::vector<MigInstance> instances, uint64_t &budget)
      : instances_(std::move(instances)), budget_(budget), gpus_(static_cast<int>(shape.gpus)) {
    for (const MigInstance &m : instances_) {
      auto it = std::find(profiles_.begin(), profiles_.end(), m.profile);
      if (it == profiles_.end()) profiles_.push_back(m.profile);
    }
    std::sort(profiles_.begin(), profiles_.end(),
              [](const model::MigProfile *a, const model::MigProfile *b) { return a->name < b->name; });
    need_.assign(profiles_.size(), 0);
    for (const MigInstance &m : instances_) ++need_[indexOf(m.profile)];
    std::vector<int> counts(profiles_.size(), 0);
    std::vector<std::pair<size_t, int>> layout;
    enumerateGpu(0, 0, 0, counts, layout);
  }

  NodeFit run() {
    if (instances_.empty()) return NodeFit::Fits;
    bool ok = place(need_, gpus_, 0);
    if (exhausted_) return NodeFit::Unknown;
    return ok ? NodeFit::Fits : NodeFit::DoesNotFit;
  }

  // After Fits: (GPU, start slice) of each instance, by the caller's slot.
  std::map<size_t, std::vector<std::pair<int, int>>> devices() const {
    std::vector<std::vector<size_t>> ofProfile(profiles_.size());
    for (const MigInstance &m : instances_) ofProfile[indexOf(m.profile)].push_back(m.slot);
    std::vector<size_t> next(profiles_.size(), 0);
    std::map<size_t, std::vector<std::pair<int, int>>> out;
    for (size_t g = 0; g < chosen_.size(); ++g)
      for (auto [p, start] : perGpu_[chosen_[g]].layout)
        out[ofProfile[p][next[p]++]].emplace_back(static_cast<int>(g), start);
    for (auto &[slot, list] : out) std::sort(list.begin(), list.end());
    return out;
  }

private:
  struct GpuFill {
    std::vector<int> counts;                  // per profile
    std::vector<std::pair<size_t, int>> layout; // (profile, start slice)
  };

  size_t indexOf(const model::MigProfile *p) const {
    return static_cast<size_t>(std::find(profiles_.begin(), profiles_.end(), p) - profiles_.begin());
  }

  // Every multiset one GPU can hold, with one legal layout each; profiles
  // are added in nondecreasing order so each multiset is met once per
  // layout, and only the first layout is kept.
  void enumerateGpu(size_t from, uint8_t mask, int compute, std::vector<int> &counts, std::vector<std::pair<size_t, int>> &layout) {
    for (size_t p = from; p < profiles_.size(); ++p) {
      if (counts[p] == need_[p] || compute + profiles_[p]->computeSlices > model::kMigComputeSlices) continue;
      uint8_t width = static_cast<uint8_t>((1u << profiles_[p]->memorySlices) - 1);
      for (int start : profiles_[p]->starts) {
        uint8_t m = static_cast<uint8_t>(width << start);
        if (mask & m) continue;
        ++counts[p];
        layout.emplace_back(p, start);
        if (seen_.insert(counts).second) perGpu_.push_back({counts, layout});
        enumerateGpu(p, mask | m, compute + profiles_[p]->computeSlices, counts, layout);
        layout.pop_back();
        --counts[p];
      }
    }
  }

  bool place(std::vector<int> &left, int gpusLeft, size_t from) {
    if (std::all_of(left.begin(), left.end(), [](int n) { return n == 0; })) return true;
    if (gpusLeft == 0) return false;
    int64_t compute = 0, memory = 0;
    for (size_t p = 0; p < left.size(); ++p) {
      compute += static_cast<int64_t>(left[p]) * profiles_[p]->computeSlices;
      memory += static_cast<int64_t>(left[p]) * profiles_[p]->memorySlices;
    }
    if (compute > int64_t{gpusLeft} * model::kMigComputeSlices || memory > int64_t{gpusLeft} * model::kMigMemorySlices)
      return false;
    std::vector<int> key = left;
    key.push_back(gpusLeft);
    key.push_back(static_cast<int>(from));
    if (failed_.count(key)) return false;
    for (size_t f = from; f < perGpu_.size(); ++f) {
      const std::vector<int> &c = perGpu_[f].counts;
      bool fits = true;
      for (size_t p = 0; p < c.size() && fits; ++p) fits = c[p] <= left[p];
      if (!fits) continue;
      if (budget_ == 0) {
        exhausted_ = true;
        return false;
      }
      --budget_;
      for (size_t p = 0; p < c.size(); ++p) left[p] -= c[p];
      chosen_.push_back(f);
      bool ok = place(left, gpusLeft - 1, f);
      for (size_t p = 0; p < c.size(); ++p) left[p] += c[p];
      if (ok) return true;
      chosen_.pop_back();
      if (exhausted_) return false;
    }
    failed_.insert(std::move(key));
    return false;
  }

  std::vector<MigInstance> instances_;
  uint64_t &budget_;
  int gpus_;
  std::vector<const model::MigProfile *> profiles_;
  std::vector<int> need_;
  std::vector<GpuFill> perGpu_;
  std::set<std::vector<int>> seen_;
  std::vector<size_t> chosen_; // per GPU: index into perGpu_
  std::set<std::vector<int>> failed_;
  bool exhausted_ = false;
};

} // namespace

NodeFit packNodeExactly(const std::vector<Pod> &pods, const std::vector<size_t> &units, const model::NodeShape &shape,
                        size_t nodeIndex, uint64_t &budget, std::vector<Assignment> *out) {
  // Slots: every (unit, request) pair on the node, in order.
  std::vector<std::pair<size_t, size_t>> slots;
  std::vector<FullRequest> full;
  std::vector<MigInstance> mig;
  int64_t fullGpus = 0;
  for (size_t u : units) {
    const Pod &pod = pods[u];
    for (const auto &[k, v] : pod.selector) {
      auto it = shape.labels.find(k);
      if (it == shape.labels.end() || it->second != v) return NodeFit::DoesNotFit;
    }
    for (size_t r = 0; r < pod.requests.size(); ++r) {
      const PodRequest &pr = pod.requests[r];
      if (!model::requestFitsShape(*pr.request, *pr.cls, shape)) return NodeFit::DoesNotFit;
      size_t slot = slots.size();
      slots.emplace_back(u, r);
      if (pr.mig) {
        for (int64_t i = 0; i < pr.request->count; ++i) mig.push_back({slot, pr.mig});
        continue;
      }
      int scope = (pr.request->sameNvlinkDomain ? kSameDomain : 0) | (pr.request->samePcieRoot ? kSameRoot : 0);
      full.push_back({slot, pr.request->count, scope});
      fullGpus += pr.request->count;
    }
  }
  if (fullGpus > shape.gpus) return NodeFit::DoesNotFit;
  FullPacker fullPacker(shape, std::move(full), budget);
  NodeFit f = fullPacker.run();
  if (f != NodeFit::Fits) return f;
  MigPacker migPacker(shape, std::move(mig), budget);
  NodeFit m = migPacker.run();
  if (m != NodeFit::Fits || !out) return m;
  std::map<size_t, std::vector<int>> gpus = fullPacker.devices();
  std::map<size_t, std::vector<std::pair<int, int>>> instances = migPacker.devices();
  for (size_t s = 0; s < slots.size(); ++s) {
    Assignment a;
    a.pod = slots[s].first;
    a.request = slots[s].second;
    a.node = nodeIndex;
    if (auto it = gpus.find(s); it != gpus.end()) a.gpus = it->second;
    if (auto it = instances.find(s); it != instances.end())
      for (auto [g, start] : it->second) {
        a.gpus.push_back(g);
        a.starts.push_back(start);
      }
    out->push_back(std::move(a));
  }
  return NodeFit::Fits;
}

} // namespace rig::verify::gpu
