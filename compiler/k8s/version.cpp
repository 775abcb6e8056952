#include "compiler/k8s/version.h"

#include <fmt/format.h>

namespace rig::k8s {

std::string Version::str() const { return fmt::format("{}.{}", major, minor); }

std::optional<Version> parseVersion(llvm::StringRef text) {
  auto [maj, min] = text.split('.');
  Version v;
  if (maj.getAsInteger(10, v.major) || min.empty() || min.getAsInteger(10, v.minor)) return std::nullopt;
  return v;
}

bool isSupported(Version v) { return v >= kOldestVersion && !(kNewestVersion < v); }

llvm::StringRef stageName(Stage s) {
  switch (s) {
  case Stage::Absent: return "absent";
  case Stage::Alpha: return "alpha";
  case Stage::Beta: return "beta";
  case Stage::GA: return "GA";
  }
  return "absent";
}

namespace {
// One row per feature: the stage in 1.27 … 1.34 and whether it is on by
// default (shared/reference/k8s-api.md §0 for 1.29+; the KEPs' kep.yaml
// milestones for 1.27–1.28, kept so older targets get a precise refusal).
constexpr int kColumns = 8;
struct Row {
  llvm::StringRef description;
  Stage stage[kColumns];
  bool on[kColumns];
};
constexpr Stage A = Stage::Alpha, B = Stage::Beta, G = Stage::GA, X = Stage::Absent;

const Row &row(Feature f) {
  static const Row rows[] = {
      /*NativeSidecars*/ {"native sidecar containers", {X, A, B, B, B, B, G, G}, {0, 0, 1, 1, 1, 1, 1, 1}},
      /*AppArmorField*/ {"the `appArmorProfile` security context field", {X, X, X, B, G, G, G, G}, {0, 0, 0, 1, 1, 1, 1, 1}},
      /*PodFailurePolicy*/ {"pod failure policy", {B, B, B, B, G, G, G, G}, {1, 1, 1, 1, 1, 1, 1, 1}},
      /*BackoffLimitPerIndex*/ {"per-index backoff limits", {X, A, B, B, B, B, G, G}, {0, 0, 1, 1, 1, 1, 1, 1}},
      /*SuccessPolicy*/ {"job success policy", {X, X, X, A, B, B, G, G}, {0, 0, 0, 0, 1, 1, 1, 1}},
      /*PodReplacementPolicy*/ {"pod replacement policy", {X, A, B, B, B, B, B, G}, {0, 0, 1, 1, 1, 1, 1, 1}},
      /*VolumeAttributesClass*/ {"VolumeAttributesClass", {X, X, A, A, B, B, B, G}, {0, 0, 0, 0, 0, 0, 0, 1}},
      /*DynamicResourceAllocation*/ {"dynamic resource allocation", {A, A, A, A, A, B, B, G}, {0, 0, 0, 0, 0, 0, 0, 1}},
      /*SleepAction*/ {"the `sleep` lifecycle action", {X, X, A, B, B, B, G, G}, {0, 0, 0, 1, 1, 1, 1, 1}},
  };
  return rows[static_cast<int>(f)];
}

int column(Version v) {
  if (v < kOldestVersion) return -1;
  if (kNewestVersion < v) return kColumns - 1;
  return v.minor - kOldestVersion.minor;
}
} // namespace

FeatureInfo feature(Feature f, Version v) {
  const Row &r = row(f);
  int c = column(v);
  FeatureInfo info{r.description, c < 0 ? Stage::Absent : r.stage[c], c >= 0 && r.on[c], kNewestVersion};
  for (int i = 0; i < kColumns; ++i)
    if (r.on[i]) {
      info.since = Version{1, kOldestVersion.minor + i};
      break;
    }
  return info;
}

bool available(Feature f, Version v) { return feature(f, v).onByDefault; }

llvm::StringRef volumeAttributesClassApi(Version v) {
  if (v < Version{1, 31}) return "storage.k8s.io/v1alpha1";
  if (v < Version{1, 34}) return "storage.k8s.io/v1beta1";
  return "storage.k8s.io/v1";
}

llvm::StringRef draApi(Version v) {
  if (v < Version{1, 31}) return "";
  if (v < Version{1, 32}) return "resource.k8s.io/v1alpha3";
  if (v < Version{1, 33}) return "resource.k8s.io/v1beta1";
  if (v < Version{1, 34}) return "resource.k8s.io/v1beta2";
  return "resource.k8s.io/v1";
}

bool draNestedRequests(Version v) { return v >= Version{1, 33}; }
bool draPcieRootPublished(Version v) { return v >= Version{1, 32}; }
int draMaxClaimConsumers(Version v) { return v >= Version{1, 33} ? 256 : 32; }

} // namespace rig::k8s
