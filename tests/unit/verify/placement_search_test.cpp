// The complete placement search (Z3 over node shapes × configurations):
// cases first-fit provably misses, cases no placement exists for, the exact
// in-node packer, and a cross-check against an exhaustive search on small
// random instances.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <random>
#include <set>

#include "compiler/driver/driver.h"
#include "tests/unit/verify/verify_compilation.h"
#include "compiler/verify/gpu_packing.h"
#include "compiler/verify/node_packing.h"
#include "compiler/verify/placement_search.h"

using namespace rig;
using Status = verify::GpuPlacement::Status;
namespace gpu = verify::gpu;

namespace {

using test::hasCode;
std::unique_ptr<Compilation> run(const std::string &text) { return test::compileToVerify(text); }

struct Instance {
  std::vector<const model::NodeShape *> shapes;
  std::vector<gpu::Node> nodes;
  std::vector<gpu::Pod> pods;
};

Instance instanceOf(const Compilation &c) {
  Instance i;
  i.nodes = gpu::expandNodes(*c.program.devices.cluster, i.shapes);
  i.pods = gpu::collectPods(c.program);
  return i;
}

// A case first-fit misses: greedy fails, the complete search finds a
// placement the checker accepts, and the whole pipeline reports it proved.
void expectOnlySolverPlaces(const std::string &text) {
  auto c = run(text);
  ASSERT_TRUE(c->ok()) << text;
  Instance in = instanceOf(*c);
  gpu::Placement greedy;
  EXPECT_FALSE(gpu::greedyPlace(in.pods, in.nodes, greedy)) << "first-fit was expected to miss this one";
  gpu::SearchOutcome s = gpu::solvePlacement(in.pods, in.nodes, in.shapes.size(), verify::VerifyOptions{});
  ASSERT_EQ(s.result, verify::SolverResult::Sat) << s.why;
  EXPECT_EQ(gpu::checkPlacement(in.pods, in.nodes, s.placement), "");
  EXPECT_EQ(c->verified.placement.status, Status::Proven);
  EXPECT_NE(c->verified.placement.method.find("Z3"), std::string::npos) << c->verified.placement.method;
  EXPECT_FALSE(c->verified.placement.lines.empty());
}

} // namespace

TEST(PlacementSearch, MigSliceChoiceThatFirstFitBlocks) {
  // 3g.40gb + 2 × 2g.20gb fill one H100 (7 compute, 8 memory slices) only
  // with the 3g at slice 4; first-fit puts it at 0 and strands a 2g.
  expectOnlySolverPlaces(R"(
device_class three { mig = "3g.40gb" }
device_class two { mig = "2g.20gb" }
cluster c { node n { gpus = 1, model = "NVIDIA H100 80GB HBM3", mig = true } }
pod big { gpus x { class = three }; container c { image = "a:1", uses x } }
deployment small { replicas = 2
  gpus y { class = two }
  container c { image = "a:1", uses y } }
)");
}

// One node with two NVLink domains of 10, two 4-GPU and four 3-GPU pods
// that each keep to one domain: they fit only as {4,3,3} and {4,3,3}.
const char *const kFourThreeThreeTwice = R"(
device_class g { model = "X" }
cluster c { node n { gpus = 20, model = "X", nvlink_domain = 10, link_bandwidth = 900GB/s } }
deployment big { replicas = 2
  gpus x { count = 4, class = g, same nvlink_domain }
  container c { image = "a:1", uses x } }
deployment small { replicas = 4
  gpus y { count = 3, class = g, same nvlink_domain }
  container c { image = "a:1", uses y } }
)";

TEST(PlacementSearch, NvlinkDomainsFragmentedByFirstFit) {
  // Two NVLink domains of 10: {4,3,3} and {4,3,3}. Best-fit puts both
  // 4-GPU requests into one domain and strands a 3.
  expectOnlySolverPlaces(kFourThreeThreeTwice);
}

TEST(PlacementSearch, PcieRootsAcrossNodes) {
  // Found by the random cross-check below. Two nodes of two PCIe roots of
  // 3 (also NVLink domains of 3) and a 4-GPU node without NVLink. First-fit
  // puts the 3 + 2 pod's unconstrained pair across both roots of a node;
  // the placement needs it under the root the 3-GPU request leaves free.
  expectOnlySolverPlaces(R"(
device_class full { model = "NVIDIA H100 80GB HBM3" }
cluster pool {
  node a[1..2] { gpus = 6, model = "NVIDIA H100 80GB HBM3", nvlink_domain = 3, link_bandwidth = 900GB/s, pcie_root = 3 }
  node b { gpus = 4, model = "NVIDIA H100 80GB HBM3" }
}
deployment w0 { replicas = 2
  gpus r0 { count = 3, class = full }
  container c { image = "a:1", uses r0 } }
pod w1 {
  gpus r0 { count = 2, class = full, same pcie_root }
  gpus r1 { count = 1, class = full, same nvlink_domain, pcie_root }
  container c { image = "a:1", uses r0, r1 } }
pod w2 {
  gpus r0 { count = 3, class = full, same nvlink_domain, pcie_root }
  gpus r1 { count = 2, class = full }
  container c { image = "a:1", uses r0, r1 } }
)");
}

TEST(PlacementSearch, RefutesWhatOnlyDomainGeometryForbids) {
  // 19 GPUs in NVLink requests of 4,4,4,4,3 on two domains of 10: every
  // capacity holds, but no domain takes three of them.
  auto c = run(R"(
device_class g { model = "X" }
cluster pool { node n { gpus = 20, model = "X", nvlink_domain = 10, link_bandwidth = 900GB/s } }
deployment big { replicas = 4
  gpus x { count = 4, class = g, same nvlink_domain }
  container c { image = "a:1", uses x } }
pod small { gpus y { count = 3, class = g, same nvlink_domain }; container c { image = "a:1", uses y } }
)");
  EXPECT_EQ(c->verified.placement.status, Status::Refuted);
  EXPECT_TRUE(hasCode(*c, "E0712"));
  const std::string &why = c->verified.placement.reason;
  EXPECT_NE(why.find("`big`"), std::string::npos) << why;
  EXPECT_NE(why.find("within one NVLink domain"), std::string::npos) << why;
}

TEST(PlacementSearch, RefutesWhatOnlyMigGeometryForbids) {
  // Three 4g.40gb on two GPUs: 12 of 14 compute slices, 12 of 16 memory
  // slices, but one 4g per GPU.
  auto c = run(R"(
device_class four { mig = "4g.40gb" }
cluster pool { node n { gpus = 2, model = "NVIDIA H100 80GB HBM3", mig = true } }
deployment d { replicas = 3
  gpus x { class = four }
  container c { image = "a:1", uses x } }
)");
  EXPECT_EQ(c->verified.placement.status, Status::Refuted);
  EXPECT_NE(c->verified.placement.reason.find("MIG instance at a legal slice"), std::string::npos) << c->verified.placement.reason;
}

TEST(PlacementSearch, ExactNodePackingTriesEveryDomainSplit) {
  // Directly: {4,4} in one domain of 10 and {3,3,3} in the other fails;
  // the packer must find {4,3,3} ×2.
  auto c = run(kFourThreeThreeTwice);
  Instance in = instanceOf(*c);
  std::vector<size_t> all(in.pods.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  uint64_t budget = 1'000'000;
  std::vector<gpu::Assignment> out;
  ASSERT_EQ(gpu::packNodeExactly(in.pods, all, *in.shapes[0], 0, budget, &out), gpu::NodeFit::Fits);
  gpu::Placement p;
  p.assignments = out;
  p.podNode.assign(in.pods.size(), 0);
  EXPECT_EQ(gpu::checkPlacement(in.pods, in.nodes, p), "");
  // One more 3-GPU request does not fit; a budget of 0 is Unknown, not No.
  all.push_back(all.back());
  budget = 1'000'000;
  EXPECT_EQ(gpu::packNodeExactly(in.pods, all, *in.shapes[0], 0, budget, nullptr), gpu::NodeFit::DoesNotFit);
  all.pop_back();
  budget = 0;
  EXPECT_EQ(gpu::packNodeExactly(in.pods, all, *in.shapes[0], 0, budget, nullptr), gpu::NodeFit::Unknown);
}

TEST(PlacementSearch, DecodedPlacementIsDeterministic) {
  const char *text = R"(
device_class three { mig = "3g.40gb" }
device_class two { mig = "2g.20gb" }
cluster c { node n[1..3] { gpus = 1, model = "NVIDIA H100 80GB HBM3", mig = true } }
deployment big { replicas = 3
  gpus x { class = three }
  container c { image = "a:1", uses x } }
deployment small { replicas = 6
  gpus y { class = two }
  container c { image = "a:1", uses y } }
)";
  auto a = run(text), b = run(text);
  ASSERT_EQ(a->verified.placement.status, Status::Proven);
  EXPECT_EQ(a->verified.placement.lines, b->verified.placement.lines);
}

namespace {

// An exhaustive search written independently of the packers: every pod on
// every node, every subset of free GPUs for a full request, every (GPU,
// start) for a MIG instance.
struct BruteForce {
  const std::vector<gpu::Pod> &pods;
  const std::vector<gpu::Node> &nodes;
  std::vector<std::vector<bool>> used;      // per node, per GPU
  std::vector<std::vector<unsigned>> mask;  // per node, per GPU: MIG memory slices
  std::vector<std::vector<int>> compute;    // per node, per GPU

  bool eligible(const gpu::Pod &p, const model::NodeShape &s) const {
    for (const auto &[k, v] : p.selector)
      if (!s.labels.count(k) || s.labels.at(k) != v) return false;
    for (const gpu::PodRequest &r : p.requests) {
      if (!model::classMatchesShape(*r.cls, s)) return false;
      if (r.request->minBandwidthGBps > 0 && (s.nvlinkDomainSize < 2 || s.linkBandwidthGBps < r.request->minBandwidthGBps))
        return false;
    }
    return true;
  }

  bool run() {
    used.clear(), mask.clear(), compute.clear();
    for (const gpu::Node &n : nodes) {
      used.emplace_back(n.shape->gpus, false);
      mask.emplace_back(n.shape->gpus, 0u);
      compute.emplace_back(n.shape->gpus, 0);
    }
    return pod(0);
  }

  // Failed (pod, cluster state) pairs: the same state is not explored twice.
  std::set<std::string> failed;
  // Cases too large to enumerate quickly are skipped, not judged.
  uint64_t steps = 0;
  bool gaveUp = false;

  bool pod(size_t p) {
    if (p == pods.size()) return true;
    if (++steps > 20'000) gaveUp = true;
    if (gaveUp) return false;
    std::string key = std::to_string(p) + ":";
    for (size_t n = 0; n < nodes.size(); ++n) {
      for (size_t g = 0; g < used[n].size(); ++g) key += fmt::format("{}.{}.{},", used[n][g] ? 1 : 0, mask[n][g], compute[n][g]);
      key += "|";
    }
    if (failed.count(key)) return false;
    for (size_t n = 0; n < nodes.size(); ++n)
      if (eligible(pods[p], *nodes[n].shape) && request(p, 0, n)) return true;
    failed.insert(key);
    return false;
  }

  bool request(size_t p, size_t r, size_t n) {
    if (r == pods[p].requests.size()) return pod(p + 1);
    const gpu::PodRequest &pr = pods[p].requests[r];
    if (pr.mig) return instance(p, r, n, pr.request->count, 0);
    std::vector<int> chosen;
    return subset(p, r, n, 0, chosen);
  }

  bool subset(size_t p, size_t r, size_t n, int from, std::vector<int> &chosen) {
    const model::GpuRequest &q = *pods[p].requests[r].request;
    const model::NodeShape &s = *nodes[n].shape;
    if (static_cast<int64_t>(chosen.size()) == q.count) {
      for (int g : chosen) {
        if (q.sameNvlinkDomain && g / s.nvlinkDomainSize != chosen[0] / s.nvlinkDomainSize) return false;
        if (q.samePcieRoot && g / s.pcieRootSize != chosen[0] / s.pcieRootSize) return false;
      }
      for (int g : chosen) used[n][g] = true;
      bool ok = request(p, r + 1, n);
      for (int g : chosen) used[n][g] = false;
      return ok;
    }
    for (int g = from; g < s.gpus; ++g) {
      if (used[n][g]) continue;
      chosen.push_back(g);
      bool ok = subset(p, r, n, g + 1, chosen);
      chosen.pop_back();
      if (ok) return true;
    }
    return false;
  }

  // The instances of one request are interchangeable: positions (GPU ×
  // 8 + start) are taken in increasing order.
  bool instance(size_t p, size_t r, size_t n, int64_t left, int from) {
    if (left == 0) return request(p, r + 1, n);
    const model::MigProfile &m = *pods[p].requests[r].mig;
    for (int g = 0; g < nodes[n].shape->gpus; ++g)
      for (int start : m.starts) {
        if (g * 8 + start < from) continue;
        unsigned bits = ((1u << m.memorySlices) - 1) << start;
        if ((mask[n][g] & bits) || compute[n][g] + m.computeSlices > model::kMigComputeSlices) continue;
        mask[n][g] |= bits;
        compute[n][g] += m.computeSlices;
        bool ok = instance(p, r, n, left - 1, g * 8 + start + 1);
        mask[n][g] &= ~bits;
        compute[n][g] -= m.computeSlices;
        if (ok) return true;
      }
    return false;
  }
};

// A small random inventory and workload set, as rig source.
std::string randomCase(std::mt19937 &rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const char *profiles[] = {"1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb"};
  std::string s = "device_class full { model = \"NVIDIA H100 80GB HBM3\" }\n";
  for (int i = 0; i < 6; ++i) s += fmt::format("device_class m{} {{ mig = \"{}\" }}\n", i, profiles[i]);
  s += "cluster pool {\n";
  int groups = pick(1, 2);
  bool anyMig = false, anyFull = false;
  for (int g = 0; g < groups; ++g) {
    bool mig = pick(0, 2) == 0;
    int count = pick(1, 2);
    if (mig) {
      anyMig = true;
      s += fmt::format("  node n{}x[1..{}] {{ gpus = {}, model = \"NVIDIA H100 80GB HBM3\", mig = true }}\n", g, count, pick(1, 2));
    } else {
      anyFull = true;
      int gpus = pick(0, 1) ? 4 : 6;
      std::vector<int> divisors;
      for (int d = 1; d <= gpus; ++d)
        if (gpus % d == 0) divisors.push_back(d);
      int domain = divisors[pick(0, static_cast<int>(divisors.size()) - 1)];
      int root = divisors[pick(0, static_cast<int>(divisors.size()) - 1)];
      s += fmt::format("  node n{}x[1..{}] {{ gpus = {}, model = \"NVIDIA H100 80GB HBM3\", nvlink_domain = {}, "
                       "link_bandwidth = 900GB/s, pcie_root = {} }}\n",
                       g, count, gpus, domain, root);
    }
  }
  s += "}\n";
  int workloads = pick(1, 4);
  for (int w = 0; w < workloads; ++w) {
    s += fmt::format("deployment w{} {{ replicas = {}\n", w, pick(1, 2));
    int requests = pick(1, 2);
    bool mig = anyMig && (!anyFull || pick(0, 1));
    for (int r = 0; r < requests; ++r) {
      if (mig) {
        s += fmt::format("  gpus r{} {{ count = {}, class = m{} }}\n", r, pick(1, 2), pick(0, 5));
      } else {
        std::string same;
        int scope = pick(0, 3);
        if (scope == 1) same = ", same nvlink_domain";
        if (scope == 2) same = ", same pcie_root";
        if (scope == 3) same = ", same nvlink_domain, pcie_root";
        s += fmt::format("  gpus r{} {{ count = {}, class = full{} }}\n", r, pick(1, 3), same);
      }
    }
    s += "  container c { image = \"a:1\", uses ";
    for (int r = 0; r < requests; ++r) s += fmt::format("{}r{}", r ? ", " : "", r);
    s += " }\n}\n";
  }
  return s;
}

} // namespace

TEST(PlacementSearch, AgreesWithExhaustiveSearchOnSmallRandomInstances) {
  std::mt19937 rng(20261129);
  int feasible = 0, infeasible = 0, greedyMissed = 0;
  for (int round = 0; round < 200; ++round) {
    std::string text = randomCase(rng);
    auto c = run(text);
    ASSERT_FALSE(c->diags.hasErrors() && !hasCode(*c, "E0711") && !hasCode(*c, "E0712")) << text;
    Instance in = instanceOf(*c);
    if (in.pods.empty()) continue;
    BruteForce oracle{in.pods, in.nodes, {}, {}, {}, {}};
    bool exists = oracle.run();
    if (oracle.gaveUp) continue;
    gpu::SearchOutcome s = gpu::solvePlacement(in.pods, in.nodes, in.shapes.size(), verify::VerifyOptions{});
    ASSERT_TRUE(s.result == verify::SolverResult::Sat || s.result == verify::SolverResult::Unsat) << s.why << "\n" << text;
    EXPECT_EQ(s.result == verify::SolverResult::Sat, exists) << text;
    if (s.result == verify::SolverResult::Sat) {
      EXPECT_EQ(gpu::checkPlacement(in.pods, in.nodes, s.placement), "") << text;
    }
    // The whole pipeline agrees too: proved iff a placement exists.
    EXPECT_EQ(c->verified.placement.status, exists ? Status::Proven : Status::Refuted) << text;
    gpu::Placement greedy;
    if (exists && !gpu::greedyPlace(in.pods, in.nodes, greedy)) ++greedyMissed;
    (exists ? feasible : infeasible)++;
  }
  // The generator must exercise both answers and the cases first-fit misses.
  EXPECT_GT(feasible, 20);
  EXPECT_GT(infeasible, 20);
  EXPECT_GT(greedyMissed, 0);
}
