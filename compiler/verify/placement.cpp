// GPU placement: every request of every workload, all at once, on the
// declared cluster (solver-notes.md, "GPU placement").
//  1. Requests no node could hold even alone are reported in the user's
//     terms ("needs 8 GPUs in one NVLink domain; the largest domain has 4").
//  2. A first-fit-decreasing placer (gpu_packing.cpp); a placement it finds
//     and the independent checker accepts is the proof.
//  3. Otherwise Z3 on a relaxation grouped by node shape (one boolean per pod
//     and shape, pseudo-boolean capacities per shape): cheap, and when unsat
//     its core, tracked per workload and per capacity, names what collides.
//  4. Otherwise the complete search (placement_search.cpp): Z3 over node
//     shapes × node configurations, device choice inside a node decided
//     exactly. Sat gives a placement, checked like first-fit's; unsat is a
//     refutation from its core.
//  5. When the solver stops at its bound, a bounded depth-first search
//     (gpu_packing.cpp) may still find a placement; else "inconclusive",
//     never a guess.
#include <fmt/format.h>

#include <map>
#include <set>

#include "compiler/verify/gpu_packing.h"
#include "compiler/verify/placement_search.h"
#include "compiler/verify/properties.h"
#include "compiler/verify/solver.h"

namespace rig::verify {

namespace {

using gpu::Node;
using gpu::Pod;
using gpu::PodRequest;

// The search after first-fit looks at most this many nodes (each a possible
// home for a pod): well under a second at worst.
constexpr uint64_t kSearchSteps = 200'000;

std::string describeRequest(llvm::StringRef who, const model::GpuRequest &r, const model::DeviceClass &cls) {
  if (!cls.migProfile.empty())
    return fmt::format("{} needs {} MIG `{}` instance{} (class `{}`)", who.str(), r.count, cls.migProfile,
                       r.count == 1 ? "" : "s", cls.sourceName);
  return fmt::format("{} needs {} GPU{} of class `{}`", who.str(), r.count, r.count == 1 ? "" : "s", cls.sourceName);
}

// Why no node of the cluster can hold request `r` alone, in the user's
// terms; "" when some node can.
std::string whyNowhere(llvm::StringRef who, const model::GpuRequest &r, const model::DeviceClass &cls,
                       const model::Cluster &cluster) {
  std::vector<const model::NodeShape *> matching;
  bool anyFit = false, nonMigMatch = false;
  for (const model::NodeGroup &g : cluster.groups) {
    if (model::requestFitsShape(r, cls, g.shape)) anyFit = true;
    if (model::classMatchesShape(cls, g.shape)) matching.push_back(&g.shape);
    model::NodeShape flipped = g.shape;
    flipped.mig = !flipped.mig;
    if (model::classMatchesShape(cls, flipped)) nonMigMatch = true;
  }
  if (anyFit) return "";
  const std::string &c = cluster.name;
  if (matching.empty()) {
    if (!cls.migProfile.empty() && nonMigMatch)
      return fmt::format("{}; no GPU in `{}` that the class selects is in MIG mode", describeRequest(who, r, cls), c);
    if (cls.migProfile.empty() && nonMigMatch)
      return fmt::format("{}; every GPU in `{}` that the class selects is in MIG mode and offers only MIG instances",
                         describeRequest(who, r, cls), c);
    return fmt::format("{}; no node in `{}` has GPUs the class selects", describeRequest(who, r, cls), c);
  }
  int64_t most = 0, domain = 0, root = 0, bandwidth = 0;
  for (const model::NodeShape *s : matching) {
    most = std::max(most, cls.migProfile.empty() ? s->gpus : s->gpus * model::findMigProfile(cls.migProfile)->maxPerGpu);
    domain = std::max(domain, s->nvlinkDomainSize);
    root = std::max(root, s->pcieRootSize);
    if (s->nvlinkDomainSize > 1) bandwidth = std::max(bandwidth, s->linkBandwidthGBps);
  }
  if (r.count > most)
    return cls.migProfile.empty()
               ? fmt::format("{} on one node; the largest node in `{}` has {}", describeRequest(who, r, cls), c, most)
               : fmt::format("{} on one node; a node in `{}` holds at most {}", describeRequest(who, r, cls), c, most);
  if (r.minBandwidthGBps > 0 && bandwidth < r.minBandwidthGBps)
    return bandwidth == 0 ? fmt::format("{} needs GPUs linked by NVLink at {} GB/s; no GPU of class `{}` in `{}` has NVLink",
                                        who.str(), r.minBandwidthGBps, cls.sourceName, c)
                          : fmt::format("{} needs GPUs linked at {} GB/s; the fastest NVLink in `{}` is {} GB/s",
                                        who.str(), r.minBandwidthGBps, c, bandwidth);
  if (r.sameNvlinkDomain && r.count > domain)
    return fmt::format("{} needs {} GPUs in one NVLink domain; the largest domain in `{}` has {}", who.str(), r.count, c, domain);
  if (r.samePcieRoot && r.count > root)
    return fmt::format("{} needs {} GPUs under one PCIe root; the largest root in `{}` has {}", who.str(), r.count, c, root);
  // Each constraint alone is met somewhere, but never all on one shape.
  return fmt::format("{} with all its constraints; no node shape in `{}` meets them together", describeRequest(who, r, cls), c);
}

std::string plural(int64_t n, llvm::StringRef one, llvm::StringRef many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string gpuList(const std::vector<int> &gpus) {
  std::string s;
  for (int g : gpus) s += (s.empty() ? "" : ",") + std::to_string(g);
  return s;
}

// One line per placed request, by node, for `rig explain`.
std::vector<std::string> placementLines(const std::vector<Pod> &pods, const std::vector<Node> &nodes, const gpu::Placement &p) {
  std::vector<std::string> lines;
  for (const gpu::Assignment &a : p.assignments) {
    const Pod &pod = pods[a.pod];
    const PodRequest &r = pod.requests[a.request];
    const model::NodeShape &s = *nodes[a.node].shape;
    std::string who = r.claim                            ? fmt::format("shared claim {}", r.claim->name)
                      : gpu::podsOf(*r.owner) > 1 ? fmt::format("{}[{}]", r.owner->name, r.podIndex)
                                                  : r.owner->name;
    std::string where;
    if (r.mig) {
      for (size_t i = 0; i < a.gpus.size(); ++i)
        where += fmt::format("{}GPU {} slices {}-{}", i ? ", " : "", a.gpus[i], a.starts[i], a.starts[i] + r.mig->memorySlices - 1);
      where = fmt::format("{} × {}: {}", a.gpus.size(), r.mig->name.str(), where);
    } else {
      where = fmt::format("GPU{} {}", a.gpus.size() == 1 ? "" : "s", gpuList(a.gpus));
      if (s.nvlinkDomainSize > 1 && (r.request->sameNvlinkDomain || r.request->minBandwidthGBps > 0))
        where += fmt::format(" (NVLink domain {}, {} GB/s)", a.gpus.front() / s.nvlinkDomainSize, s.linkBandwidthGBps);
      if (r.request->samePcieRoot) where += fmt::format(" (PCIe root {})", a.gpus.front() / s.pcieRootSize);
    }
    if (r.claim) {
      std::string users;
      for (const auto &[w, i] : pod.memberPods)
        users += (users.empty() ? "" : ", ") + (gpu::podsOf(*w) > 1 ? fmt::format("{}[{}]", w->name, i) : w->name);
      where += fmt::format(" (shared by {})", users);
    }
    lines.push_back(fmt::format("{}: {} `{}` -> {}", nodes[a.node].name, who, r.request->name, where));
  }
  return lines;
}

// The shape-level relaxation: a necessary condition for any placement.
// Returns the solver's answer; fills `why` from the core when unsat.
SolverResult refute(const std::vector<Pod> &pods, const std::vector<Node> &nodes,
                    const std::vector<const model::NodeShape *> &shapes, const model::Cluster &cluster,
                    const VerifyOptions &opts, std::string &why) {
  std::vector<int64_t> nodesOf(shapes.size(), 0);
  for (const Node &n : nodes) ++nodesOf[n.shapeIndex];
  // Pods of one workload are interchangeable; eligibility is per workload.
  // Units that merge pods sharing a claim are checked one by one.
  std::map<const model::Workload *, std::vector<bool>> eligibleByWorkload;
  std::vector<std::vector<bool>> eligible(pods.size());
  for (size_t p = 0; p < pods.size(); ++p) {
    bool plain = pods[p].members == 1 && std::none_of(pods[p].requests.begin(), pods[p].requests.end(),
                                                        [](const PodRequest &r) { return r.claim != nullptr; });
    if (plain)
      if (auto it = eligibleByWorkload.find(pods[p].workload); it != eligibleByWorkload.end()) {
        eligible[p] = it->second;
        continue;
      }
    for (const model::NodeShape *s : shapes) eligible[p].push_back(gpu::podFitsEmptyShape(pods[p], *s));
    if (plain) eligibleByWorkload[pods[p].workload] = eligible[p];
  }
  Solver solver(opts);
  // z[p][s]: pod p runs on a node of shape s.
  std::vector<std::vector<std::pair<size_t, Solver::Term>>> onShape(shapes.size());
  std::vector<const model::Workload *> order;
  std::map<const model::Workload *, std::vector<Solver::Term>> placedBy;
  for (size_t p = 0; p < pods.size(); ++p) {
    std::vector<Solver::Term> choices;
    for (size_t s = 0; s < shapes.size(); ++s) {
      if (!eligible[p][s]) continue;
      Solver::Term z = solver.boolVar(fmt::format("z_{}_{}", p, s));
      choices.push_back(z);
      onShape[s].emplace_back(p, z);
    }
    if (!placedBy.count(pods[p].workload)) order.push_back(pods[p].workload);
    placedBy[pods[p].workload].push_back(solver.lor(choices));
  }
  for (const model::Workload *w : order) solver.addTracked(solver.land(placedBy[w]), "pods:" + w->name);
  for (size_t s = 0; s < shapes.size(); ++s) {
    const model::NodeShape &shape = *shapes[s];
    int64_t m = nodesOf[s];
    std::vector<Solver::Term> zs;
    std::vector<int> full, compute, memory, domainOne, domainTwo;
    for (auto &[p, z] : onShape[s]) {
      zs.push_back(z);
      int f = 0, c = 0, mem = 0, big = 0, half = 0;
      for (const PodRequest &r : pods[p].requests) {
        if (r.mig) {
          c += static_cast<int>(r.request->count * r.mig->computeSlices);
          mem += static_cast<int>(r.request->count * r.mig->memorySlices);
          continue;
        }
        f += static_cast<int>(r.request->count);
        // A request taking more than half an NVLink domain leaves no room
        // for another such; more than a third, for two more.
        if (r.request->sameNvlinkDomain && r.request->count * 2 > shape.nvlinkDomainSize) ++big;
        if (r.request->sameNvlinkDomain && r.request->count * 3 > shape.nvlinkDomainSize) ++half;
      }
      full.push_back(f);
      compute.push_back(c);
      memory.push_back(mem);
      domainOne.push_back(big);
      domainTwo.push_back(half);
    }
    if (zs.empty()) continue;
    int64_t domains = shape.gpus / shape.nvlinkDomainSize;
    auto cap = [](int64_t v) { return static_cast<int>(std::min<int64_t>(v, INT32_MAX)); };
    if (shape.mig) {
      solver.addTracked(solver.pbLe(zs, compute, cap(m * shape.gpus * model::kMigComputeSlices)), fmt::format("compute:{}", s));
      solver.addTracked(solver.pbLe(zs, memory, cap(m * shape.gpus * model::kMigMemorySlices)), fmt::format("memory:{}", s));
    } else {
      solver.addTracked(solver.pbLe(zs, full, cap(m * shape.gpus)), fmt::format("gpus:{}", s));
      solver.addTracked(solver.pbLe(zs, domainOne, cap(m * domains)), fmt::format("domains1:{}", s));
      solver.addTracked(solver.pbLe(zs, domainTwo, cap(2 * m * domains)), fmt::format("domains2:{}", s));
    }
  }
  SolverResult result = solver.check();
  if (result != SolverResult::Unsat) {
    if (result != SolverResult::Sat) why = solver.reasonUnknown();
    return result;
  }
  // Summarise the core by workload and by capacity.
  std::set<std::string> workloads;
  int64_t podsNeeded = 0, gpusNeeded = 0, computeNeeded = 0;
  std::map<size_t, std::set<std::string>> capacities;
  for (const std::string &label : solver.unsatCore()) {
    llvm::StringRef l(label);
    if (l.consume_front("pods:")) {
      workloads.insert(l.str());
      continue;
    }
    auto [kind, index] = l.split(':');
    size_t s = 0;
    index.getAsInteger(10, s);
    capacities[s].insert(kind.str());
  }
  for (const Pod &p : pods)
    if (workloads.count(p.workload->name)) {
      ++podsNeeded;
      gpusNeeded += p.fullGpus();
      computeNeeded += p.migComputeSlices();
    }
  // Cores can name hundreds of workloads: a few by name, then a count, and
  // the classes they ask for.
  std::string names;
  std::set<std::string> classes;
  size_t named = 0;
  for (const model::Workload *w : order) {
    if (!workloads.count(w->name)) continue;
    if (++named <= 3) names += (names.empty() ? "`" : ", `") + w->sourceName + "`";
    for (const model::GpuRequest &r : w->gpus) classes.insert(r.className);
  }
  if (named > 3) names += fmt::format(" and {} more workloads", named - 3);
  std::string classList;
  for (const std::string &c : classes) classList += (classList.empty() ? "`" : ", `") + c + "`";
  int64_t gpusHave = 0, computeHave = 0, domainsHave = 0;
  std::string shapeNames;
  for (const auto &[s, kinds] : capacities) {
    const model::NodeShape &shape = *shapes[s];
    if (shape.mig) computeHave += nodesOf[s] * shape.gpus * model::kMigComputeSlices;
    else gpusHave += nodesOf[s] * shape.gpus;
    if (kinds.count("domains1") || kinds.count("domains2")) domainsHave += nodesOf[s] * (shape.gpus / shape.nvlinkDomainSize);
  }
  std::string need = fmt::format("{} ({}) {}", names, plural(podsNeeded, "pod", "pods"), workloads.size() == 1 ? "needs" : "need");
  std::string parts;
  if (gpusNeeded > 0) parts += fmt::format("{} GPUs", gpusNeeded);
  if (computeNeeded > 0) parts += fmt::format("{}{} MIG compute slices", parts.empty() ? "" : " and ", computeNeeded);
  std::string have;
  if (gpusHave > 0) have += fmt::format("{} GPUs", gpusHave);
  if (computeHave > 0) have += fmt::format("{}{} MIG compute slices", have.empty() ? "" : " and ", computeHave);
  why = fmt::format("{} {} of class{} {} on the nodes that can run them; `{}` has {}", need, parts.empty() ? "GPUs" : parts,
                    classes.size() == 1 ? "" : "es", classList, cluster.name, have.empty() ? "none" : have);
  if (domainsHave > 0)
    why += fmt::format(" in {} NVLink domains, and each domain holds only one request larger than half of it", domainsHave);
  return result;
}

// A refutation by the complete search, from its unsat core: the workloads
// whose pods cannot all be placed, what they need and what the nodes that
// could run them have, and which rule makes the difference.
std::string describeCore(const std::vector<Pod> &pods, const std::vector<Node> &nodes,
                         const std::vector<const model::NodeShape *> &shapes, const model::Cluster &cluster,
                         const gpu::SearchOutcome &solved) {
  std::vector<const model::Workload *> workloads;
  std::set<const model::Workload *> seen;
  int64_t gpus = 0, compute = 0;
  bool domain = false, root = false, mig = false;
  std::vector<bool> canRun(shapes.size(), false);
  for (size_t u : solved.coreUnits) {
    const Pod &p = pods[u];
    for (const auto &[w, i] : p.memberPods)
      if (seen.insert(w).second) workloads.push_back(w);
    gpus += p.fullGpus();
    compute += p.migComputeSlices();
    for (const PodRequest &r : p.requests) {
      mig = mig || r.mig;
      domain = domain || r.request->sameNvlinkDomain;
      root = root || r.request->samePcieRoot;
    }
    for (size_t s = 0; s < shapes.size(); ++s)
      if (!canRun[s] && gpu::podFitsEmptyShape(p, *shapes[s])) canRun[s] = true;
  }
  size_t podCount = 0;
  for (size_t u : solved.coreUnits) podCount += pods[u].members;
  int64_t nodeCount = 0, gpusHave = 0, computeHave = 0;
  for (const Node &n : nodes)
    if (canRun[n.shapeIndex]) {
      ++nodeCount;
      if (n.shape->mig) computeHave += n.shape->gpus * model::kMigComputeSlices;
      else gpusHave += n.shape->gpus;
    }
  std::string names;
  for (size_t i = 0; i < workloads.size() && i < 3; ++i) names += (i ? ", `" : "`") + workloads[i]->sourceName + "`";
  if (workloads.size() > 3) names += fmt::format(" and {} more workloads", workloads.size() - 3);
  auto amount = [](int64_t g, int64_t c) {
    std::string s;
    if (g > 0) s += fmt::format("{} GPUs", g);
    if (c > 0) s += fmt::format("{}{} MIG compute slices", s.empty() ? "" : " and ", c);
    return s.empty() ? std::string("no GPUs") : s;
  };
  std::string rule;
  if (domain || root)
    rule = fmt::format(" that keeps each request {}", domain && root ? "within one NVLink domain and under one PCIe root as asked"
                                                      : domain       ? "within one NVLink domain as asked"
                                                                     : "under one PCIe root as asked");
  if (mig) rule += rule.empty() ? " that puts every MIG instance at a legal slice" : " and every MIG instance at a legal slice";
  return fmt::format("{} ({}) {} {} and the {} of `{}` that can run them {} {}, but no packing of the pods onto those nodes{} exists",
                     names, plural(static_cast<int64_t>(podCount), "pod", "pods"), workloads.size() == 1 ? "needs" : "need",
                     amount(gpus, compute), plural(nodeCount, "node", "nodes"), cluster.name, nodeCount == 1 ? "has" : "have",
                     amount(gpusHave, computeHave), rule);
}

} // namespace

void verifyPlacement(const model::Program &program, Diagnostics &diags, const VerifyOptions &opts, VerifyResult &result) {
  const model::DeviceModel &dm = program.devices;
  if (!dm.cluster) return;
  const model::Cluster &cluster = *dm.cluster;
  GpuPlacement &out = result.placement;
  out.cluster = cluster.name;
  ++result.propertiesChecked;
  if (cluster.groups.empty()) {
    // Nothing can be placed on a cluster without nodes.
    for (const model::Workload &w : program.workloads)
      if (!w.gpus.empty() && w.kind != model::WorkloadKind::DaemonSet) {
        out.status = GpuPlacement::Status::Refuted;
        out.method = "a cluster without nodes";
        out.reason = fmt::format("`{}` needs GPUs; `{}` has no nodes", w.sourceName, cluster.name);
        diags.report(DiagKind::RequestFitsNowhere, w.gpus.front().nameRange, out.reason).label(cluster.nameRange, "the cluster");
        return;
      }
    out.status = GpuPlacement::Status::Proven;
    out.method = "nothing to place";
    return;
  }

  // 1. Requests that fit nowhere, and pods whose requests fit nowhere
  // together.
  bool hopeless = false;
  std::set<const model::Workload *> alone; // workloads with a request no node holds
  for (const model::Workload &w : program.workloads) {
    if (w.kind == model::WorkloadKind::DaemonSet) continue;
    for (const model::GpuRequest &r : w.gpus) {
      const model::DeviceClass *cls = dm.findClass(r.className);
      if (!cls || !r.sharedClaim.empty()) continue; // shared claims: below, once
      std::string why = whyNowhere("`" + w.sourceName + "`", r, *cls, cluster);
      if (why.empty()) continue;
      diags.report(DiagKind::RequestFitsNowhere, r.nameRange, why).label(cluster.nameRange, "the cluster");
      out.reason = why;
      hopeless = true;
      alone.insert(&w);
    }
  }
  for (const model::SharedClaim &c : dm.claims) {
    const model::DeviceClass *cls = dm.findClass(c.request.className);
    if (!cls) continue;
    std::string why = whyNowhere(fmt::format("shared claim `{}`", c.sourceName), c.request, *cls, cluster);
    if (why.empty()) continue;
    diags.report(DiagKind::RequestFitsNowhere, c.nameRange, why).label(cluster.nameRange, "the cluster");
    out.reason = why;
    hopeless = true;
  }
  std::vector<const model::NodeShape *> shapes;
  std::vector<Node> nodes = gpu::expandNodes(cluster, shapes);
  std::vector<Pod> pods = gpu::collectPods(program);
  {
    std::set<const model::Workload *> reported = alone;
    for (const Pod &p : pods) {
      if (reported.count(p.workload)) continue;
      bool anywhere = std::any_of(shapes.begin(), shapes.end(), [&](const model::NodeShape *s) { return gpu::podFitsEmptyShape(p, *s); });
      if (anywhere) continue;
      reported.insert(p.workload);
      std::string whose = p.members > 1 ? fmt::format("{} pods sharing a claim with `{}`", p.members, p.workload->sourceName)
                                        : fmt::format("a pod of `{}`", p.workload->sourceName);
      const char *verb = p.members > 1 ? "need" : "needs";
      std::string why = fmt::format("{} {} {} GPUs for {} requests together on one node; no node in `{}` holds them", whose, verb,
                                    p.fullGpus(), p.members > 1 ? "their" : "its", cluster.name);
      if (p.fullGpus() == 0)
        why = fmt::format("{} {} {} MIG requests together on one node; no node in `{}` holds them", whose, verb,
                          p.members > 1 ? "their" : "its", cluster.name);
      diags.report(DiagKind::RequestFitsNowhere, p.workload->nameRange, why).label(cluster.nameRange, "the cluster");
      out.reason = why;
      hopeless = true;
    }
  }
  if (hopeless) {
    out.status = GpuPlacement::Status::Refuted;
    out.method = "a request no node can hold";
    return;
  }
  if (pods.empty()) {
    out.status = GpuPlacement::Status::Proven;
    out.method = "nothing to place";
    return;
  }

  // 2. Greedy, checked independently.
  gpu::Placement placement;
  if (gpu::greedyPlace(pods, nodes, placement)) {
    std::string broken = gpu::checkPlacement(pods, nodes, placement);
    if (broken.empty()) {
      out.status = GpuPlacement::Status::Proven;
      out.method = "first-fit placement, checked against every constraint";
      out.lines = placementLines(pods, nodes, placement);
      return;
    }
    // A placer bug must not become a false proof.
    out.reason = "internal: the greedy placement failed its check: " + broken;
  }
  // 3. The solver, on the relaxation by node shape: cheap, and its core
  // names what collides.
  std::string why;
  SolverResult r = refute(pods, nodes, shapes, cluster, opts, why);
  if (r == SolverResult::Unsat) {
    out.status = GpuPlacement::Status::Refuted;
    out.method = "Z3: the pods' demand exceeds what the node shapes can hold (unsat core)";
    out.reason = why;
    Diagnostic &d = diags.report(DiagKind::PlacementRefuted, cluster.nameRange, cluster.name, why);
    for (const model::Workload &w : program.workloads)
      if (!w.gpus.empty() && why.find("`" + w.sourceName + "`") != std::string::npos && d.labels.size() < 3)
        d.label(w.nameRange, fmt::format("{} of `{}`", plural(gpu::podsOf(w), "pod", "pods"), w.sourceName));
    return;
  }
  // 4. The complete search: Z3 over node shapes × node configurations,
  // with every device choice inside a node decided exactly. A model is
  // decoded into a placement and checked like first-fit's.
  gpu::SearchOutcome solved = gpu::solvePlacement(pods, nodes, shapes.size(), opts);
  if (solved.result == SolverResult::Sat) {
    std::string broken = gpu::checkPlacement(pods, nodes, solved.placement);
    if (broken.empty()) {
      out.status = GpuPlacement::Status::Proven;
      out.method = "Z3 placed what first-fit could not, checked against every constraint";
      out.lines = placementLines(pods, nodes, solved.placement);
      return;
    }
    solved.result = SolverResult::Unknown;
    solved.why = "internal: the solver's placement failed its check: " + broken;
  }
  if (solved.result == SolverResult::Unsat) {
    out.status = GpuPlacement::Status::Refuted;
    out.method = "Z3: no assignment of pods to node configurations exists (unsat core)";
    out.reason = describeCore(pods, nodes, shapes, cluster, solved);
    Diagnostic &d = diags.report(DiagKind::PlacementRefuted, cluster.nameRange, cluster.name, out.reason);
    std::set<const model::Workload *> labelled;
    for (size_t u : solved.coreUnits)
      for (const auto &[w, i] : pods[u].memberPods)
        if (labelled.insert(w).second && d.labels.size() < 3)
          d.label(w->nameRange, fmt::format("{} of `{}`", plural(gpu::podsOf(*w), "pod", "pods"), w->sourceName));
    return;
  }

  // 5. The solver stopped or the configurations were too many: a bounded
  // search may still find a placement; otherwise "not proved".
  {
    gpu::Placement searched;
    bool limitHit = false;
    if (gpu::searchPlace(pods, nodes, kSearchSteps, searched, limitHit) && gpu::checkPlacement(pods, nodes, searched).empty()) {
      out.status = GpuPlacement::Status::Proven;
      out.method = "search after first-fit failed, checked against every constraint";
      out.lines = placementLines(pods, nodes, searched);
      return;
    }
  }
  ++result.inconclusive;
  out.status = GpuPlacement::Status::Inconclusive;
  if (solved.result == SolverResult::Timeout) {
    out.method = fmt::format("Z3 stopped ({}; limits: {} ms, rlimit {})", solved.why, opts.timeoutMs, opts.rlimit);
    out.reason = fmt::format("the solver hit its limit ({}); raise --solver-timeout or --solver-rlimit", solved.why);
  } else {
    out.method = "the complete search could not finish, and a bounded search found nothing";
    out.reason = fmt::format("no placement was found, and none was ruled out: {}", solved.why);
  }
  diags.report(DiagKind::PlacementInconclusive, cluster.nameRange, cluster.name, out.reason);
}

} // namespace rig::verify
