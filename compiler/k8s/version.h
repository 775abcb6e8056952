// The version table: the one place that knows which Kubernetes release
// accepts which field or API version. Emitters and checks ask it; nothing
// else compares version numbers.
#pragma once

#include <optional>
#include <string>

#include "llvm/ADT/StringRef.h"

namespace rig::k8s {

struct Version {
  int major = 1;
  int minor = 31;
  friend bool operator<(Version a, Version b) { return a.major != b.major ? a.major < b.major : a.minor < b.minor; }
  friend bool operator>=(Version a, Version b) { return !(a < b); }
  friend bool operator==(Version a, Version b) { return a.major == b.major && a.minor == b.minor; }
  std::string str() const;
};

constexpr Version kDefaultVersion{1, 31};
// 1.29–1.34 are verified in depth; 1.27–1.28 are accepted so that a build
// for an older cluster gets a precise refusal (e.g. native sidecars).
constexpr Version kOldestVersion{1, 27};
constexpr Version kNewestVersion{1, 34};

// "1.31" -> {1,31}; nullopt for anything else (including "1.31.2": rig
// targets minors, patch releases do not change the API).
std::optional<Version> parseVersion(llvm::StringRef text);
bool isSupported(Version v);

enum class Feature {
  NativeSidecars,        // initContainers[].restartPolicy: Always
  AppArmorField,         // securityContext.appArmorProfile
  PodFailurePolicy,
  BackoffLimitPerIndex,
  SuccessPolicy,
  PodReplacementPolicy,
  VolumeAttributesClass,
  DynamicResourceAllocation,
  SleepAction,           // lifecycle.preStop.sleep
};

enum class Stage { Absent, Alpha, Beta, GA };

struct FeatureInfo {
  llvm::StringRef description; // "native sidecar containers"
  Stage stage;
  bool onByDefault;            // usable on a default cluster of that version
  Version since;               // first version where it is on by default (or exists)
};

FeatureInfo feature(Feature f, Version v);
// Usable on a default-configured cluster of version v.
bool available(Feature f, Version v);
llvm::StringRef stageName(Stage s);

// API group/versions per target.
llvm::StringRef volumeAttributesClassApi(Version v); // storage.k8s.io/v1alpha1 | v1beta1 | v1
llvm::StringRef draApi(Version v);                   // resource.k8s.io/…; "" before 1.31
// DRA shapes that differ between API versions (reference §6.1–6.2):
bool draNestedRequests(Version v);   // v1beta2/v1 (1.33+): a request's class and count under `exactly`
bool draPcieRootPublished(Version v); // the NVIDIA driver for 1.32+ publishes resource.kubernetes.io/pcieRoot
int draMaxClaimConsumers(Version v); // status.reservedFor: 32 up to 1.32, 256 from 1.33

} // namespace rig::k8s
