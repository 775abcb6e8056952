// Pod-level validation, as the API server applies it to a pod spec, and what
// rig computes from the spec: the init containers' start order and the QoS
// class.
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include "compiler/check/checker.h"
#include "compiler/k8s/names.h"
#include "llvm/ADT/DenseMap.h"

namespace rig::sema {

namespace {

// Stable topological order of the init containers: declaration order, except
// that a container waits for everything it names in `after`. Returns the
// cycle (as names, first repeated at the end) when there is one.
std::vector<std::string> orderInitContainers(std::vector<model::Container> &inits) {
  // Without any `after`, declaration order is the order: nothing to move.
  if (std::all_of(inits.begin(), inits.end(), [](const model::Container &c) { return c.after.empty(); })) return {};
  size_t n = inits.size();
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < n; ++i) index.emplace(inits[i].name, i);
  std::vector<std::vector<size_t>> waitsFor(n);
  for (size_t i = 0; i < n; ++i)
    for (const std::string &a : inits[i].after)
      if (auto it = index.find(a); it != index.end() && it->second != i) waitsFor[i].push_back(it->second);
      else if (it != index.end()) return {inits[i].name, inits[i].name}; // `after` itself
  std::vector<bool> placed(n, false);
  std::vector<size_t> order;
  while (order.size() < n) {
    bool progress = false;
    for (size_t i = 0; i < n; ++i) {
      if (placed[i]) continue;
      bool ready = std::all_of(waitsFor[i].begin(), waitsFor[i].end(), [&](size_t j) { return placed[j]; });
      if (!ready) continue;
      placed[i] = true;
      order.push_back(i);
      progress = true;
      break; // restart from the first: the earliest declared ready one goes next
    }
    if (progress) continue;
    // A cycle: walk `after` edges from the first unplaced container until a
    // container repeats.
    size_t start = 0;
    while (placed[start]) ++start;
    std::vector<size_t> path;
    std::vector<int> seenAt(n, -1);
    size_t cur = start;
    while (seenAt[cur] < 0) {
      seenAt[cur] = static_cast<int>(path.size());
      path.push_back(cur);
      for (size_t j : waitsFor[cur])
        if (!placed[j]) {
          cur = j;
          break;
        }
    }
    std::vector<std::string> cycle;
    for (size_t k = seenAt[cur]; k < path.size(); ++k) cycle.push_back(inits[path[k]].name);
    cycle.push_back(inits[cur].name);
    return cycle;
  }
  std::vector<model::Container> sorted;
  sorted.reserve(n);
  for (size_t i : order) sorted.push_back(std::move(inits[i]));
  inits = std::move(sorted);
  return {};
}

// The two resources QoS looks at in a container's requests or limits, found
// in one pass over the map (null when absent): a lookup by name per
// resource and map was a string comparison or three each, for every pod.
struct CpuAndMemory {
  const model::ResourceAmount *cpu = nullptr, *memory = nullptr;
};
CpuAndMemory cpuAndMemory(const FlatMap<std::string, model::ResourceAmount> &m) {
  CpuAndMemory r;
  for (const auto &[name, amount] : m) {
    if (name.size() == 3 && std::memcmp(name.data(), "cpu", 3) == 0) r.cpu = &amount;
    else if (name.size() == 6 && std::memcmp(name.data(), "memory", 6) == 0) r.memory = &amount;
  }
  return r;
}

bool nonZero(const model::ResourceAmount *a) { return a && !a->isZero(); }

} // namespace

// The QoS class by the kubelet's rules (pkg/apis/core/helper/qos): only cpu
// and memory count, only non-zero values, init containers and sidecars count
// like main containers, and a missing request defaults to its limit.
model::QosClass computeQos(const model::PodSpec &pod) {
  bool any = false, guaranteed = true;
  auto visit = [&](const model::Container &c) {
    CpuAndMemory req = cpuAndMemory(c.resources.requests), lim = cpuAndMemory(c.resources.limits);
    if (nonZero(req.cpu) || nonZero(req.memory) || nonZero(lim.cpu) || nonZero(lim.memory)) any = true;
    for (auto [q, l] : {std::pair{req.cpu, lim.cpu}, std::pair{req.memory, lim.memory}}) {
      if (!nonZero(l)) {
        guaranteed = false;
        continue;
      }
      if (nonZero(q) && q->compare(*l) != 0) guaranteed = false;
    }
  };
  for (const model::Container &c : pod.initContainers) visit(c);
  for (const model::Container &c : pod.containers) visit(c);
  if (!any) return model::QosClass::BestEffort;
  return guaranteed ? model::QosClass::Guaranteed : model::QosClass::Burstable;
}

void Checker::checkPodRules(model::Workload &w) {
  model::PodSpec &pod = w.pod;

  // Volumes: valid, unique names.
  std::map<std::string, const model::Volume *> volumes;
  for (const model::Volume &v : pod.volumes) {
    for (const std::string &e : k8s::validateDns1123Label(v.name)) {
      diags_.report(DiagKind::InvalidName, v.range, "volume", v.name, e);
      break;
    }
    auto [it, inserted] = volumes.emplace(v.name, &v);
    if (!inserted) diags_.report(DiagKind::DuplicateVolume, v.range, v.name).label(it->second->range, "first declared here");
  }

  // Containers: valid names, unique across init and main containers. (A
  // pod has a few: the names hash into inline buckets, where a tree took an
  // allocation and a copy of the name per container. The containers do not
  // move while it is in use.)
  llvm::SmallDenseMap<llvm::StringRef, const model::Container *, 16> names;
  std::set<std::string> mounted;
  auto visit = [&](model::Container &c) {
    for (const std::string &e : k8s::validateDns1123Label(c.name)) {
      Diagnostic &d = diags_.report(DiagKind::InvalidName, c.nameRange, "container", c.name, e);
      std::string fixed = k8s::suggestDns1123(c.name);
      if (!fixed.empty() && fixed != c.name) d.note(fmt::format("did you mean `{}`?", fixed));
      break;
    }
    auto [it, inserted] = names.try_emplace(c.name, &c);
    if (!inserted)
      diags_.report(DiagKind::DuplicateContainer, c.nameRange, c.name, w.name).label(it->second->nameRange, "first declared here");

    // Ports: names unique within the container; named probe ports exist.
    std::map<std::string, SourceRange> portNames;
    std::map<std::pair<int64_t, llvm::StringRef>, SourceRange> portNumbers;
    for (const model::Port &p : c.ports) {
      if (!p.name.empty()) {
        auto [pit, fresh] = portNames.emplace(p.name, p.range);
        if (!fresh) diags_.report(DiagKind::DuplicatePort, p.range, "port name", p.name, fmt::format("container `{}`", c.name)).label(pit->second, "first used here");
      }
      auto [nit, fresh] =
          portNumbers.emplace(std::make_pair(p.number, p.protocol.empty() ? llvm::StringRef("TCP") : llvm::StringRef(p.protocol)), p.range);
      if (!fresh) diags_.report(DiagKind::DuplicatePort, p.range, "port", std::to_string(p.number), fmt::format("container `{}`", c.name)).label(nit->second, "first used here");
    }
    auto checkNamedPort = [&](const model::Action &a) {
      if (!a.portName.empty() && !portNames.count(a.portName)) {
        Diagnostic &d = diags_.report(DiagKind::UnknownPortName, a.range, a.portName, c.name);
        std::vector<std::string> cands;
        for (auto &[n, r] : portNames) cands.push_back(n);
        std::string close = closestMatch(a.portName, cands);
        if (!close.empty()) d.note(fmt::format("did you mean `{}`?", close));
      }
    };
    for (const model::Boxed<model::Probe> *p : {&c.liveness, &c.readiness, &c.startup})
      if (*p) checkNamedPort((*p)->action);
    if (c.lifecycle.postStart) checkNamedPort(*c.lifecycle.postStart);
    if (c.lifecycle.preStop) checkNamedPort(*c.lifecycle.preStop);

    // Mounts: of declared volumes, at distinct paths.
    std::map<std::string, SourceRange> paths;
    for (const model::Mount &m : c.mounts) {
      mounted.insert(m.volume);
      bool claimTemplate = std::any_of(w.claimTemplates.begin(), w.claimTemplates.end(),
                                       [&](const model::Claim &t) { return t.name == m.volume; });
      if (!volumes.count(m.volume) && !claimTemplate) {
        Diagnostic &d = diags_.report(DiagKind::UndeclaredVolume, m.volumeRange, m.volume);
        std::vector<std::string> cands;
        for (auto &[n, v] : volumes) cands.push_back(n);
        std::string close = closestMatch(m.volume, cands);
        if (!close.empty()) d.note(fmt::format("did you mean `{}`?", close));
        else d.note(fmt::format("declare it in the {}: `volume {} = empty_dir()`", workloadKeyword(w.kind).str(), m.volume));
      }
      auto [pit, fresh] = paths.emplace(m.path, m.range);
      if (!fresh) diags_.report(DiagKind::DuplicateMountPath, m.range, m.path, c.name).label(pit->second, "first mounted here");
    }

    // Requests may not exceed limits. Both maps are sorted by name: one
    // walk over the two finds every resource in both.
    auto lim = c.resources.limits.begin(), limEnd = c.resources.limits.end();
    for (const auto &[res, req] : c.resources.requests) {
      while (lim != limEnd && llvm::StringRef(lim->first) < llvm::StringRef(res)) ++lim;
      if (lim == limEnd) break;
      if (lim->first == res && req.compare(lim->second) > 0)
        diags_.report(DiagKind::RequestExceedsLimit, req.range, res, req.canonical(), lim->second.canonical())
            .label(lim->second.range, "the limit");
    }

    // Plain init containers run to completion: no probes, no hooks.
    if (c.role == model::ContainerRole::Init) {
      auto forbid = [&](bool present, llvm::StringRef what, SourceRange r) {
        if (present) diags_.report(DiagKind::InitContainerProbe, r, what.str(), c.name).note("declare it as `sidecar` to keep it running beside the main containers");
      };
      forbid(c.liveness.has_value(), "a liveness probe", c.liveness ? c.liveness->range : c.range);
      forbid(c.readiness.has_value(), "a readiness probe", c.readiness ? c.readiness->range : c.range);
      forbid(c.startup.has_value(), "a startup probe", c.startup ? c.startup->range : c.range);
      forbid(c.lifecycle.postStart.has_value(), "a post_start hook", c.lifecycle.postStart ? c.lifecycle.postStart->range : c.range);
      forbid(c.lifecycle.preStop.has_value(), "a pre_stop hook", c.lifecycle.preStop ? c.lifecycle.preStop->range : c.range);
    }
    if (c.role == model::ContainerRole::Sidecar) requireFeature(k8s::Feature::NativeSidecars, c.nameRange);
  };
  for (model::Container &c : pod.initContainers) visit(c);
  for (model::Container &c : pod.containers) visit(c);

  for (const model::Volume &v : pod.volumes)
    if (!mounted.count(v.name)) diags_.report(DiagKind::UnusedVolume, v.range, v.name);

  // `after` names an init container or sidecar of this pod.
  bool afterOk = true;
  for (model::Container &c : pod.initContainers)
    for (size_t i = 0; i < c.after.size(); ++i) {
      auto it = names.find(c.after[i]);
      if (it == names.end() || it->second->role == model::ContainerRole::Main) {
        Diagnostic &d = diags_.report(DiagKind::AfterUnknown, c.afterRanges[i], c.after[i], c.after[i]);
        if (it != names.end()) d.note("main containers start after every init container and sidecar");
        afterOk = false;
      }
    }
  if (afterOk) {
    std::vector<std::string> cycle = orderInitContainers(pod.initContainers);
    if (!cycle.empty()) {
      std::string text;
      for (size_t i = 0; i < cycle.size(); ++i) text += (i ? " -> " : "") + ("`" + cycle[i] + "`");
      const model::Container *first = names.lookup(cycle.front());
      Diagnostic &d = diags_.report(DiagKind::SidecarCycle, first->nameRange, text);
      for (size_t i = 0; i + 1 < cycle.size(); ++i) {
        const model::Container *c = names.lookup(cycle[i]);
        for (size_t k = 0; k < c->after.size(); ++k)
          if (c->after[k] == cycle[i + 1]) d.label(c->afterRanges[k], fmt::format("`{}` starts after `{}`", c->name, cycle[i + 1]));
      }
    }
  }
  pod.qos = computeQos(pod);
}

} // namespace rig::sema
