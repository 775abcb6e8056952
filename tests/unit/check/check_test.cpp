// Checker behaviour that golden files show less directly: QoS rules, start
// order, name mapping, version-dependent refusals.
#include "compiler/driver/driver.h"

#include <gtest/gtest.h>

using namespace rig;

namespace {
std::unique_ptr<Compilation> checkText(const std::string &text, std::optional<k8s::Version> target = {}) {
  CompileOptions opts;
  opts.stopAfter = Phase::Check;
  opts.target = target;
  return compile({{"t.rig", text}}, opts);
}
bool hasKind(const Compilation &c, DiagKind k) {
  for (const Diagnostic &d : c.diags.all())
    if (d.kind == k) return true;
  return false;
}
std::string firstMessage(const Compilation &c) { return c.diags.all().empty() ? "" : c.diags.all().front().message; }
} // namespace

TEST(Qos, BestEffortWhenNothingIsSet) {
  auto c = checkText("pod p { container a { image = \"x:1\" } }");
  ASSERT_TRUE(c->ok()) << firstMessage(*c);
  EXPECT_EQ(c->program.workloads[0].pod.qos, model::QosClass::BestEffort);
}

TEST(Qos, GuaranteedNeedsLimitsEqualToRequestsEverywhere) {
  auto c = checkText(R"(pod p {
    sidecar s { image = "x:1"
      requests { cpu = 100m, memory = 64Mi }
      limits { cpu = 100m, memory = 64Mi } }
    container a { image = "x:1"
      limits { cpu = 1, memory = 1Gi } }
  })");
  ASSERT_TRUE(c->ok()) << firstMessage(*c);
  // Limits only: requests default to limits, so this is Guaranteed.
  EXPECT_EQ(c->program.workloads[0].pod.qos, model::QosClass::Guaranteed);
}

TEST(Qos, SidecarWithoutLimitsMakesThePodBurstable) {
  auto c = checkText(R"(pod p {
    sidecar s { image = "x:1"
      requests { cpu = 100m } }
    container a { image = "x:1"
      limits { cpu = 1, memory = 1Gi } }
  })");
  ASSERT_TRUE(c->ok()) << firstMessage(*c);
  EXPECT_EQ(c->program.workloads[0].pod.qos, model::QosClass::Burstable);
}

TEST(Qos, ExtendedResourcesDoNotCount) {
  auto c = checkText(R"(pod p { container a { image = "x:1"
      limits { "nvidia.com/gpu" = 1 } } })");
  ASSERT_TRUE(c->ok()) << firstMessage(*c);
  EXPECT_EQ(c->program.workloads[0].pod.qos, model::QosClass::BestEffort);
}

TEST(Qos, EqualValuesInDifferentUnitsAreEqual) {
  auto c = checkText(R"(pod p { container a { image = "x:1"
      requests { cpu = 1000m, memory = 1024Mi }
      limits { cpu = 1, memory = 1Gi } } })");
  ASSERT_TRUE(c->ok()) << firstMessage(*c);
  EXPECT_EQ(c->program.workloads[0].pod.qos, model::QosClass::Guaranteed);
}

TEST(StartOrder, DeclarationOrderWithAfterHonoured) {
  auto c = checkText(R"(pod p {
    sidecar logs after proxy { image = "x:1" }
    init migrate { image = "x:1" }
    sidecar proxy { image = "x:1" }
    container app { image = "x:1" }
  })");
  ASSERT_TRUE(c->ok()) << firstMessage(*c);
  const auto &inits = c->program.workloads[0].pod.initContainers;
  ASSERT_EQ(inits.size(), 3u);
  EXPECT_EQ(inits[0].name, "migrate");
  EXPECT_EQ(inits[1].name, "proxy");
  EXPECT_EQ(inits[2].name, "logs");
}

TEST(StartOrder, CycleNamesEveryMember) {
  auto c = checkText(R"(pod p {
    sidecar a after c { image = "x:1" }
    sidecar b after a { image = "x:1" }
    sidecar c after b { image = "x:1" }
    container app { image = "x:1" }
  })");
  ASSERT_TRUE(hasKind(*c, DiagKind::SidecarCycle));
  std::string msg;
  for (const Diagnostic &d : c->diags.all())
    if (d.kind == DiagKind::SidecarCycle) msg = d.message;
  EXPECT_NE(msg.find("`a`"), std::string::npos) << msg;
  EXPECT_NE(msg.find("`b`"), std::string::npos) << msg;
  EXPECT_NE(msg.find("`c`"), std::string::npos) << msg;
}

TEST(Names, IdentifiersBecomeDnsNames) {
  auto c = checkText("deployment data_processing { container main_app { image = \"x:1\" } }");
  ASSERT_TRUE(c->ok()) << firstMessage(*c);
  EXPECT_EQ(c->program.workloads[0].name, "data-processing");
  EXPECT_EQ(c->program.workloads[0].pod.containers[0].name, "main-app");
  EXPECT_EQ(c->program.workloads[0].labels.at("app"), "data-processing");
}

TEST(Names, UppercaseNamesAreRejectedWithAFix) {
  auto c = checkText("pod WebApp { container a { image = \"x:1\" } }");
  ASSERT_TRUE(hasKind(*c, DiagKind::InvalidName));
  const Diagnostic &d = c->diags.all().front();
  ASSERT_FALSE(d.fixits.empty());
  EXPECT_EQ(d.fixits.front().replacement, "webapp");
}

TEST(Versions, NativeSidecarsNeed129) {
  const char *src = "pod p { sidecar s { image = \"x:1\" }\n container a { image = \"x:1\" } }";
  EXPECT_TRUE(checkText(src, k8s::Version{1, 29})->ok());
  auto old = checkText(src, k8s::Version{1, 28});
  EXPECT_TRUE(hasKind(*old, DiagKind::FeatureUnavailable));
}

TEST(Versions, CommandLineTargetWinsWithAWarning) {
  auto c = checkText("target kubernetes \"1.30\"\npod p { container a { image = \"x:1\" } }", k8s::Version{1, 32});
  EXPECT_TRUE(c->ok());
  EXPECT_TRUE(hasKind(*c, DiagKind::ConflictingTarget));
  EXPECT_EQ(c->program.target.minor, 32);
}

TEST(Values, QuantitiesAreValidated) {
  auto bad = checkText("pod p { container a { image = \"x:1\"\n requests { memory = 512MB } } }");
  EXPECT_TRUE(hasKind(*bad, DiagKind::InvalidQuantity));
  auto neg = checkText("pod p { container a { image = \"x:1\"\n requests { memory = -1 } } }");
  EXPECT_TRUE(hasKind(*neg, DiagKind::NegativeQuantity));
  auto over = checkText("pod p { container a { image = \"x:1\"\n requests { cpu = 2 }\n limits { cpu = 1 } } }");
  EXPECT_TRUE(hasKind(*over, DiagKind::RequestExceedsLimit));
}

// Requests are compared with the limits of the same resources only, whatever
// the two maps hold besides (they are walked together, sorted by name).
TEST(Values, EachRequestIsComparedWithItsOwnLimit) {
  struct Case {
    const char *requests, *limits;
    std::vector<std::string> over; // the resources reported, in order
  } cases[] = {
      {"cpu = 2, memory = 1Gi", "cpu = 1, memory = 512Mi", {"cpu", "memory"}},
      {"cpu = 2, memory = 1Gi", "memory = 512Mi", {"memory"}},
      {"memory = 1Gi", "cpu = 1, memory = 512Mi", {"memory"}},
      {"cpu = 2", "memory = 512Mi", {}},
      {"cpu = 2, ephemeral_storage = 2Gi, memory = 1Gi", "ephemeral_storage = 1Gi", {"ephemeral-storage"}},
      {"\"nvidia.com/gpu\" = 2, cpu = 1", "\"nvidia.com/gpu\" = 1, cpu = 1, memory = 1Gi", {"nvidia.com/gpu"}},
      {"cpu = 1, memory = 1Gi", "cpu = 2, memory = 2Gi", {}},
  };
  for (const Case &k : cases) {
    std::string text = std::string("pod p { container a { image = \"x:1\"\n requests { ") + k.requests +
                       " }\n limits { " + k.limits + " } } }";
    auto c = checkText(text);
    std::vector<std::string> over;
    for (const Diagnostic &d : c->diags.all()) {
      if (d.kind != DiagKind::RequestExceedsLimit) continue;
      llvm::StringRef m(d.message);
      over.push_back(m.substr(0, m.find(" request")).str());
    }
    EXPECT_EQ(over, k.over) << text;
  }
}

// Resource amounts written as literals take a shorter path than computed
// ones (no value is built): both must give the same amounts and say the
// same things about them.
TEST(Values, LiteralAndComputedAmountsAgree) {
  const char *amounts[] = {"500m", "2", "512Mi", "0.0001", "512MB", "-1", "1.5.3Gi", "8Ei", "0", "1.5Gi"};
  for (const char *amount : amounts) {
    auto literal = checkText(std::string("pod p { container a { image = \"x:1\"\n requests { memory = ") + amount + " } } }");
    auto computed = checkText(std::string("let m = ") + amount +
                              "\npod p { container a { image = \"x:1\"\n requests { memory = m } } }");
    ASSERT_EQ(literal->diags.all().size(), computed->diags.all().size()) << amount;
    for (size_t i = 0; i < literal->diags.all().size(); ++i) {
      EXPECT_EQ(literal->diags.all()[i].kind, computed->diags.all()[i].kind) << amount;
      EXPECT_EQ(literal->diags.all()[i].message, computed->diags.all()[i].message) << amount;
    }
    ASSERT_EQ(literal->program.workloads.size(), computed->program.workloads.size()) << amount;
    if (literal->program.workloads.empty()) continue;
    const auto &l = literal->program.workloads[0].pod.containers[0].resources.requests;
    const auto &c = computed->program.workloads[0].pod.containers[0].resources.requests;
    ASSERT_EQ(l.size(), c.size()) << amount;
    if (!l.empty()) {
      EXPECT_EQ(l.begin()->second.canonical(), c.begin()->second.canonical()) << amount;
    }
  }
}

// Parsed amounts are looked up by their spelling, first in a small table
// hashed on length and end characters: many spellings that share slots,
// met in turn, must each still get their own value.
TEST(Values, ManyDistinctAmountsKeepTheirValues) {
  std::string text = "pod p {\n";
  for (int i = 0; i < 120; ++i)
    text += "  container c" + std::to_string(i) + " {\n    image = \"x:1\"\n    requests { cpu = " +
            std::to_string(i % 37 + 1) + "m, memory = " + std::to_string(i % 41 + 1) + "Mi }\n  }\n";
  text += "}\n";
  auto c = checkText(text);
  ASSERT_TRUE(c->ok()) << firstMessage(*c);
  const auto &containers = c->program.workloads[0].pod.containers;
  ASSERT_EQ(containers.size(), 120u);
  for (int i = 0; i < 120; ++i) {
    const auto &req = containers[i].resources.requests;
    EXPECT_EQ(req.at("cpu").canonical(), std::to_string(i % 37 + 1) + "m") << i;
    EXPECT_EQ(req.at("memory").canonical(), std::to_string(i % 41 + 1) + "Mi") << i;
  }
}

TEST(Limits, AnnotationsOver256KiBAreRejected) {
  std::string big(300 * 1024, 'x');
  auto c = checkText("pod p {\n annotations { \"example.com/big\" = \"" + big + "\" }\n container a { image = \"x:1\" } }");
  EXPECT_TRUE(hasKind(*c, DiagKind::AnnotationsTooLarge));
  auto ok = checkText("pod p {\n annotations { \"example.com/small\" = \"" + std::string(1000, 'x') + "\" }\n container a { image = \"x:1\" } }");
  EXPECT_FALSE(hasKind(*ok, DiagKind::AnnotationsTooLarge));
}

// The checks across workloads (unique names, AppArmor, GPU requests) pass
// over workloads whose hints say they have nothing for them: the hints
// must note every such thing.
TEST(CrossChecks, HintsNoteWhatTheChecksAcrossWorkloadsRead) {
  auto c = checkText(R"(apparmor web { allow read "/srv/**" }
pod plain { container a { image = "x:1" } }
pod declared { container a { image = "x:1", apparmor = web } }
pod node_profile { apparmor = localhost("k8s-strict"), container a { image = "x:1" } }
pod unconfined { sidecar s { image = "x:1", apparmor = unconfined }, container a { image = "x:1" } }
pod default_profile { container a { image = "x:1", apparmor = runtime_default } }
pod claims { container a { image = "x:1", uses nothing_here } }
)");
  const auto &ws = c->program.workloads;
  ASSERT_EQ(ws.size(), 6u) << firstMessage(*c);
  auto hints = [&](size_t i) {
    const auto &h = ws[i].hints;
    return std::string(h.appArmorDeclared ? "D" : "-") + (h.appArmorLocalhost ? "L" : "-") +
           (h.appArmorUnconfined ? "U" : "-") + (h.gpuClaimUses ? "G" : "-");
  };
  EXPECT_EQ(hints(0), "----");
  EXPECT_EQ(hints(1), "DL--"); // resolved to the profile's name since; noted as written
  EXPECT_EQ(hints(2), "-L--"); // the pod's own
  EXPECT_EQ(hints(3), "--U-"); // a sidecar's
  EXPECT_EQ(hints(4), "----");
  EXPECT_EQ(hints(5), "---G");
  // And what the checks then found through them.
  EXPECT_EQ(ws[1].pod.containers[0].security->appArmor->profile, "web");
  EXPECT_FALSE(ws[1].pod.containers[0].security->appArmor->declared);
  EXPECT_TRUE(hasKind(*c, DiagKind::AppArmorUnconfined));
  EXPECT_TRUE(hasKind(*c, DiagKind::UnknownGpuRequest));
  EXPECT_EQ(c->diags.errorCount(), 1u) << firstMessage(*c); // the unknown GPU request only
}

// Unique names over many workloads (the hash table grows): the kind and
// the namespace are part of the identity.
TEST(CrossChecks, ObjectNamesAreUniquePerKindAndNamespace) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "deployment d" + std::to_string(i) + " { container a { image = \"x:1\" } }\n";
  text += "pod d7 { container a { image = \"x:1\" } }\n";        // another kind: fine
  text += "deployment d2999 { container a { image = \"x:1\" } }\n"; // the same object twice
  CompileOptions opts;
  opts.stopAfter = Phase::Check;
  auto c = compile({{"a.rig", text}, {"b.rig", "namespace shop\ndeployment d5 { container a { image = \"x:1\" } }\n"}}, opts);
  std::vector<const Diagnostic *> dups;
  for (const Diagnostic &d : c->diags.all())
    if (d.kind == DiagKind::DuplicateObjectName) dups.push_back(&d);
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_EQ(dups[0]->message, "two Deployment objects are both named `d2999` in namespace `default`");
  EXPECT_EQ(dups[0]->range.begin, text.rfind("deployment d2999") + std::string("deployment ").size());
  ASSERT_EQ(dups[0]->labels.size(), 1u);
  EXPECT_EQ(dups[0]->labels[0].range.begin, text.find("deployment d2999") + std::string("deployment ").size());
}

// The API server's limits on any class's parameters (validateParameters):
// at most 512 entries, at most 256 KiB of keys and values, no empty key.
namespace {
std::string storageClassWith(size_t entries, size_t valueBytes, const std::string &extra = "") {
  std::string text = "storage_class big {\n  provisioner = \"example.com/nas\"\n  parameters {\n";
  for (size_t i = 0; i < entries; ++i)
    text += "    p" + std::to_string(i) + " = \"" + std::string(i == 0 ? valueBytes : 1, 'v') + "\"\n";
  return text + extra + "  }\n}\n";
}
} // namespace

TEST(StorageParameters, AtMost512Entries) {
  auto ok = checkText(storageClassWith(512, 1));
  EXPECT_FALSE(hasKind(*ok, DiagKind::TooManyStorageParameters)) << firstMessage(*ok);
  auto c = checkText(storageClassWith(513, 1));
  ASSERT_TRUE(hasKind(*c, DiagKind::TooManyStorageParameters));
  EXPECT_NE(firstMessage(*c).find("513 parameters"), std::string::npos) << firstMessage(*c);
}

TEST(StorageParameters, AtMost256KiBOfKeysAndValues) {
  // Two keys of two bytes (`p0`, `p1`) and a one-byte value: the first
  // value may take the rest of 262,144 bytes, and not one more.
  size_t room = 256 * 1024 - 2 - 2 - 1;
  auto ok = checkText(storageClassWith(2, room));
  EXPECT_FALSE(hasKind(*ok, DiagKind::StorageParametersTooLarge)) << firstMessage(*ok);
  auto c = checkText(storageClassWith(2, room + 1));
  ASSERT_TRUE(hasKind(*c, DiagKind::StorageParametersTooLarge));
  EXPECT_NE(firstMessage(*c).find("262145 bytes"), std::string::npos) << firstMessage(*c);
}

TEST(StorageParameters, NoEmptyKeyInAClassOrAnAttributesClass) {
  auto c = checkText(storageClassWith(1, 1, "    \"\" = \"x\"\n"));
  ASSERT_TRUE(hasKind(*c, DiagKind::EmptyStorageParameterKey)) << firstMessage(*c);
  auto v = checkText("volume_attributes fast {\n  driver = \"example.com/nas\"\n  parameters { \"\" = \"x\" }\n}\n");
  EXPECT_TRUE(hasKind(*v, DiagKind::EmptyStorageParameterKey)) << firstMessage(*v);
}

// A claim a single node (ReadWriteOnce) or a single pod (ReadWriteOncePod)
// can use, mounted by two workloads: W0605 at the second, once per claim.
namespace {
std::string twoUsersOf(const std::string &modes, bool secondUsesIt = true) {
  std::string user = R"( {
  volume data = claim(shared)
  container app {
    image = "busybox:1.36"
    mount data at "/data"
  }
}
)";
  return "claim shared {\n  size = 1Gi\n  access_modes = [" + modes + "]\n}\ndeployment first" + user +
         "deployment second" + (secondUsesIt ? user : std::string(" {\n  container app { image = \"busybox:1.36\" }\n}\n")) +
         "job third" + user;
}
size_t countKind(const Compilation &c, DiagKind k) {
  size_t n = 0;
  for (const Diagnostic &d : c.diags.all()) n += d.kind == k;
  return n;
}
} // namespace

TEST(StorageSharing, SingleNodeClaimsMountedByTwoWorkloadsAreFlagged) {
  auto rwo = checkText(twoUsersOf("ReadWriteOnce"));
  ASSERT_TRUE(rwo->ok()) << firstMessage(*rwo);
  // `second` and `third` each mount what `first` already does.
  EXPECT_EQ(countKind(*rwo, DiagKind::ReadWriteOnceAcrossWorkloads), 2u);
  auto rwop = checkText(twoUsersOf("ReadWriteOncePod"));
  ASSERT_EQ(countKind(*rwop, DiagKind::ReadWriteOnceAcrossWorkloads), 2u);
  EXPECT_NE(firstMessage(*rwop).find("one of them stays Pending"), std::string::npos) << firstMessage(*rwop);
  // Only `first` and `third`: one report.
  EXPECT_EQ(countKind(*checkText(twoUsersOf("ReadWriteOnce", false)), DiagKind::ReadWriteOnceAcrossWorkloads), 1u);
}

TEST(StorageSharing, ClaimsManyNodesCanMountAreNotFlagged) {
  for (const char *modes : {"ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce, ReadWriteMany"}) {
    auto c = checkText(twoUsersOf(modes));
    EXPECT_EQ(countKind(*c, DiagKind::ReadWriteOnceAcrossWorkloads), 0u) << modes;
  }
}

// A deployment's replicas share a claim that also allows ReadWriteMany
// freely: no W0601, as for a plain ReadWriteMany claim.
TEST(StorageSharing, ReplicasMayShareAClaimThatAlsoAllowsManyNodes) {
  auto replicasSharing = [](const std::string &modes) {
    return checkText("claim data { size = 1Gi, access_modes = [" + modes + R"(] }
deployment web {
  replicas = 3
  volume d = claim(data)
  container app {
    image = "nginx:1.27"
    mount d at "/data"
  }
}
)");
  };
  auto c = replicasSharing("ReadWriteOnce, ReadWriteMany");
  ASSERT_TRUE(c->ok()) << firstMessage(*c);
  EXPECT_FALSE(hasKind(*c, DiagKind::ReadWriteOnceShared));
  EXPECT_TRUE(hasKind(*replicasSharing("ReadWriteOnce"), DiagKind::ReadWriteOnceShared));
}
