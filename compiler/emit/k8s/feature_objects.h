// Objects other than workloads (storage classes, claims, device classes, the
// AppArmor loader, …). Each feature emits its own in emit_<feature>.cpp;
// emitKubernetes writes them before the workloads that use them.
#pragma once

#include <string>
#include <vector>

#include "compiler/emit/k8s/document.h"
#include "compiler/emit/k8s/emit_k8s.h"
#include "compiler/model/model.h"

namespace rig::emit {

struct FeatureObject {
  // Relative output path: "<ns>/<kind>-<name>.yaml" for namespaced objects,
  // "<kind>-<name>.yaml" for cluster-scoped ones; the extension is replaced
  // for JSON output.
  std::string path;
  Node node;
};

// Where every feature object starts: apiVersion, kind and metadata (the
// name, and the namespace when there is one). The strings are not copied:
// literals, version-table entries and model strings, which outlive it.
Node objectWithMetadata(llvm::StringRef api, llvm::StringRef kind, llvm::StringRef name, llvm::StringRef ns = "");

void emitStorageObjects(const model::Program &program, std::vector<FeatureObject> &out);
// A claim's `spec`, shared by PersistentVolumeClaims and a StatefulSet's
// volumeClaimTemplates (emit_storage.cpp).
Node claimSpec(const model::Claim &c);
void emitDeviceObjects(const model::Program &program, std::vector<FeatureObject> &out);
// The pod's `resourceClaims` (one per GPU request, from its template) and a
// container's `resources.claims` (emit_devices.cpp).
Node podResourceClaims(const std::vector<model::GpuRequest> &gpus);
Node containerClaims(const std::vector<model::ClaimUse> &claims);
// Off with EmitOptions::appArmorLoader = false (`--no-apparmor-loader`).
void emitAppArmorObjects(const model::Program &program, const EmitOptions &opts, std::vector<FeatureObject> &out);

} // namespace rig::emit
