// The schema of rig's blocks: which fields and nested declarations each
// block accepts, what each means and which Kubernetes field it becomes. The
// checker uses it for unknown-field errors and did-you-mean; the language
// server uses it for completion and hover.
#pragma once

#include <vector>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace rig::sema {

enum class BlockKind {
  File, Workload, Container, Probe, LifecycleHook, Security, Capabilities, PodSecurity, StringMap,
  ResourceMap, PortOptions, MountOptions, EnvBlock, AppArmorProfile,
  StorageClass, VolumeAttributes, Claim, // storage (check_storage.cpp)
  DeviceClass, NodeShape, Cluster, GpuRequest // GPUs (check_devices.cpp)
};

struct FieldSpec {
  llvm::StringRef name;
  llvm::StringRef type;     // as shown to users: "string", "duration", "quantity", …
  llvm::StringRef k8sField; // what it becomes, e.g. "spec.replicas"
  llvm::StringRef doc;
};

struct BlockSpec {
  BlockKind kind;
  llvm::StringRef name;               // "container", "probe", …
  std::vector<FieldSpec> attributes;  // `name = value`
  std::vector<FieldSpec> children;    // `keyword … { … }` declarations
};

const BlockSpec &blockSpec(BlockKind kind);
const FieldSpec *findAttribute(const BlockSpec &spec, llvm::StringRef name);
const FieldSpec *findChild(const BlockSpec &spec, llvm::StringRef keyword);
// Every name valid in the block (fields and declarations), for did-you-mean.
std::vector<llvm::StringRef> allNames(const BlockSpec &spec);

// Workload keywords: pod, deployment, statefulset, daemonset, job, cronjob.
llvm::ArrayRef<llvm::StringRef> workloadKeywords();
// Fields valid on one workload kind only (replicas on deployment, …).
bool attributeAllowedOn(llvm::StringRef workloadKeyword, llvm::StringRef attribute);

} // namespace rig::sema
