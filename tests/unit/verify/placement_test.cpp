// GPU placement: the first-fit placer, its independent checker, MIG slice
// geometry, and the solver's refutation, through whole compilations.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "compiler/driver/driver.h"
#include "tests/unit/verify/verify_compilation.h"
#include "compiler/verify/gpu_packing.h"

using namespace rig;
using Status = verify::GpuPlacement::Status;

namespace {

using test::hasCode;
std::unique_ptr<Compilation> run(const std::string &text, k8s::Version target = {1, 34}) {
  return test::compileToVerify(text, target);
}

// `n` MIG pods of one profile on one MIG-mode H100.
std::string migCase(llvm::StringRef profile, int pods) {
  return fmt::format(R"(
device_class m {{ model = "NVIDIA H100 80GB HBM3", mig = "{}" }}
cluster c {{ node n {{ gpus = 1, model = "NVIDIA H100 80GB HBM3", mig = true }} }}
deployment d {{ replicas = {}
  gpus g {{ class = m }}
  container x {{ image = "a:1", uses g }} }}
)",
                     profile.str(), pods);
}

} // namespace

TEST(Placement, MigProfilesFitAsManyAsTheGeometryAllows) {
  // The H100 80 GB table (reference §8.1): how many of each fit on one GPU.
  for (const model::MigProfile &p : model::h100MigProfiles()) {
    auto fits = run(migCase(p.name, p.maxPerGpu));
    EXPECT_EQ(fits->verified.placement.status, Status::Proven) << p.name.str();
    auto over = run(migCase(p.name, p.maxPerGpu + 1));
    EXPECT_EQ(over->verified.placement.status, Status::Refuted) << p.name.str();
    EXPECT_FALSE(over->ok()) << p.name.str();
  }
}

TEST(Placement, MixedMigProfilesShareOneGpuOnlyWhereSlicesAllow) {
  // 4g.40gb at slice 0 and 3g.40gb at 4 fit together; a third instance not.
  const char *two = R"(
device_class a { mig = "4g.40gb" }
device_class b { mig = "3g.40gb" }
device_class s { mig = "1g.10gb" }
cluster c { node n { gpus = 1, model = "NVIDIA H100 80GB HBM3", mig = true } }
pod p { gpus x { class = a }; container c { image = "a:1", uses x } }
pod q { gpus y { class = b }; container c { image = "a:1", uses y } }
)";
  auto c = run(two);
  ASSERT_EQ(c->verified.placement.status, Status::Proven);
  auto three = run(std::string(two) + "pod r { gpus z { class = s }; container c { image = \"a:1\", uses z } }\n");
  EXPECT_NE(three->verified.placement.status, Status::Proven);
}

TEST(Placement, NvlinkDomainsAreNeverSplit) {
  // Two domains of 4 on one node: two 4-GPU NVLink requests fit, a 5-GPU one not.
  const char *base = R"(
device_class g { model = "NVIDIA H100 PCIe" }
cluster c { node n { gpus = 8, model = "NVIDIA H100 PCIe", nvlink_domain = 4, link_bandwidth = 600GB/s } }
deployment d { replicas = %d
  gpus x { count = %d, class = g, same nvlink_domain }
  container c { image = "a:1", uses x } }
)";
  auto text = [&](int replicas, int count) {
    std::string s = base;
    s.replace(s.find("%d"), 2, std::to_string(replicas));
    s.replace(s.find("%d"), 2, std::to_string(count));
    return s;
  };
  EXPECT_EQ(run(text(2, 4))->verified.placement.status, Status::Proven);
  EXPECT_EQ(run(text(3, 2))->verified.placement.status, Status::Proven);
  auto five = run(text(1, 5));
  EXPECT_EQ(five->verified.placement.status, Status::Refuted);
  EXPECT_TRUE(hasCode(*five, "E0711"));
  // Three 3-GPU NVLink requests: 9 > 8 GPUs is refuted by capacity.
  auto nine = run(text(3, 3));
  EXPECT_EQ(nine->verified.placement.status, Status::Refuted);
}

TEST(Placement, SolverRefutesWhatExceedsCapacityAndNamesTheWorkloads) {
  auto c = run(R"(
device_class g { model = "NVIDIA H100 80GB HBM3" }
cluster pool { node dgx[1..2] { gpus = 8, model = "NVIDIA H100 80GB HBM3", nvlink_domain = 8, link_bandwidth = 900GB/s } }
deployment big { replicas = 2
  gpus x { count = 6, class = g }
  container c { image = "a:1", uses x } }
deployment small { replicas = 3
  gpus y { count = 2, class = g }
  container c { image = "a:1", uses y } }
)");
  ASSERT_EQ(c->verified.placement.status, Status::Refuted);
  EXPECT_TRUE(hasCode(*c, "E0712"));
  EXPECT_NE(c->verified.placement.reason.find("`big`"), std::string::npos);
  EXPECT_NE(c->verified.placement.reason.find("`small`"), std::string::npos);
}

TEST(Placement, CheckerRejectsBrokenPlacements) {
  auto c = run(R"(
device_class g { model = "NVIDIA H100 80GB HBM3" }
cluster pool { node a { gpus = 8, model = "NVIDIA H100 80GB HBM3", nvlink_domain = 4, link_bandwidth = 900GB/s, pcie_root = 2 } }
pod p { gpus x { count = 4, class = g, same nvlink_domain }; container c { image = "a:1", uses x } }
pod q { gpus y { count = 2, class = g, same pcie_root }; container c { image = "a:1", uses y } }
)");
  ASSERT_TRUE(c->ok());
  std::vector<const model::NodeShape *> shapes;
  auto nodes = verify::gpu::expandNodes(*c->program.devices.cluster, shapes);
  auto pods = verify::gpu::collectPods(c->program);
  verify::gpu::Placement good;
  ASSERT_TRUE(verify::gpu::greedyPlace(pods, nodes, good));
  EXPECT_EQ(verify::gpu::checkPlacement(pods, nodes, good), "");

  verify::gpu::Placement split = good; // the NVLink request across two domains
  for (auto &a : split.assignments)
    if (a.pod == 0) a.gpus = {2, 3, 4, 5};
  EXPECT_NE(verify::gpu::checkPlacement(pods, nodes, split).find("NVLink"), std::string::npos);

  verify::gpu::Placement twice = good; // one GPU given to both pods
  twice.assignments[0].gpus[0] = twice.assignments[1].gpus[0];
  EXPECT_FALSE(verify::gpu::checkPlacement(pods, nodes, twice).empty());

  verify::gpu::Placement roots = good; // the PCIe pair across two roots
  for (auto &a : roots.assignments)
    if (a.pod == 1) a.gpus = {5, 6};
  EXPECT_FALSE(verify::gpu::checkPlacement(pods, nodes, roots).empty());
}

TEST(Placement, IdenticalNodesCollapseIntoOneShape) {
  auto c = run(R"(
device_class g { model = "X" }
node_shape s { gpus = 8, model = "X" }
cluster pool {
  node a[1..100] = s
  node b[1..50] { gpus = 8, model = "X" }
  node c[1..2] { gpus = 4, model = "X" }
}
pod p { gpus x { class = g }; container c { image = "a:1", uses x } }
)");
  ASSERT_TRUE(c->ok());
  std::vector<const model::NodeShape *> shapes;
  auto nodes = verify::gpu::expandNodes(*c->program.devices.cluster, shapes);
  EXPECT_EQ(nodes.size(), 152u);
  EXPECT_EQ(shapes.size(), 2u);
}

TEST(Placement, DraObjectsBeforeVersionsAreRefusedAndFlatIn131) {
  const char *text = R"(
device_class g { model = "NVIDIA H100 80GB HBM3" }
pod p { gpus x { count = 2, class = g }; container c { image = "a:1", uses x } }
)";
  CompileOptions opts;
  opts.target = k8s::Version{1, 30};
  EXPECT_FALSE(compile({{"t.rig", text}}, opts)->ok());
  opts.target = k8s::Version{1, 31};
  opts.streamOnly = true;
  auto c = compile({{"t.rig", text}}, opts);
  ASSERT_TRUE(c->ok());
  const std::string out = c->outputs.stream();
  EXPECT_NE(out.find("apiVersion: resource.k8s.io/v1alpha3\nkind: ResourceClaimTemplate"), std::string::npos);
  // v1alpha3: deviceClassName directly in the request, no `exactly`.
  EXPECT_NE(out.find("      - name: x\n        deviceClassName: g\n        allocationMode: ExactCount\n        count: 2\n"),
            std::string::npos);
  EXPECT_EQ(out.find("exactly"), std::string::npos);
}

TEST(Placement, NodeSelectorsOnInventoryLabelsAreHonoured) {
  // The pod selects the small nodes by a label the inventory declares; a key
  // no node declares (kubernetes.io/os) cannot be checked and is ignored.
  auto c = run(R"(
device_class g { model = "X" }
cluster pool {
  node big { gpus = 8, model = "X", labels { tier = "big" } }
  node small { gpus = 4, model = "X", labels { tier = "small" } }
}
pod p {
  node_selector { tier = "small", "kubernetes.io/os" = "linux" }
  gpus x { count = 6, class = g }
  container c { image = "a:1", uses x }
}
)");
  EXPECT_EQ(c->verified.placement.status, Status::Refuted);
  auto ok = run(R"(
device_class g { model = "X" }
cluster pool {
  node big { gpus = 8, model = "X", labels { tier = "big" } }
  node small { gpus = 4, model = "X", labels { tier = "small" } }
}
pod p {
  node_selector { tier = "big", "kubernetes.io/os" = "linux" }
  gpus x { count = 6, class = g }
  container c { image = "a:1", uses x }
}
)");
  ASSERT_EQ(ok->verified.placement.status, Status::Proven);
  ASSERT_EQ(ok->verified.placement.lines.size(), 1u);
  EXPECT_EQ(ok->verified.placement.lines[0].rfind("big:", 0), 0u);
}

TEST(Placement, PodsSharingClaimsFormOneUnitTransitively) {
  // a and b share `one`, b and c share `two`: all three pods on one node,
  // each shared claim placed once.
  auto c = run(R"(
device_class g { model = "X" }
gpu_claim one { class = g }
gpu_claim two { class = g }
cluster pool { node n[1..3] { gpus = 2, model = "X" } }
pod a { gpus s = one; container c { image = "a:1", uses s } }
pod b { gpus s = one; gpus t = two; container c { image = "a:1", uses s, t } }
pod c { gpus t = two; container c { image = "a:1", uses t } }
pod d { gpus own { class = g }; container c { image = "a:1", uses own } }
)");
  ASSERT_TRUE(c->ok());
  auto units = verify::gpu::collectPods(c->program);
  ASSERT_EQ(units.size(), 2u);
  EXPECT_EQ(units[0].members, 3u);
  EXPECT_EQ(units[0].fullGpus(), 2);
  EXPECT_EQ(units[1].members, 1u);
  EXPECT_EQ(c->verified.placement.status, Status::Proven);
  // With one more GPU on the shared node, nothing fits: 3 > 2.
  auto over = run(R"(
device_class g { model = "X" }
gpu_claim one { class = g }
gpu_claim two { class = g, count = 2 }
cluster pool { node n[1..3] { gpus = 2, model = "X" } }
pod a { gpus s = one; container c { image = "a:1", uses s } }
pod b { gpus s = one; gpus t = two; container c { image = "a:1", uses s, t } }
)");
  EXPECT_EQ(over->verified.placement.status, Status::Refuted);
}
