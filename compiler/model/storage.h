// Storage: storage classes, volume attributes classes and claims (PVCs).
// Part of the model (see model.h): built by check, read by verify, emit and
// explain.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/base/quantity.h"
#include "compiler/k8s/storage_drivers.h"
#include "compiler/source/source_manager.h"

namespace rig::model {

// `storage_class NAME { provisioner = …, parameters { … } … }` -> storage.k8s.io/v1 StorageClass.
struct StorageClass {
  std::string name;       // Kubernetes name
  std::string sourceName; // as declared
  std::string provisioner;
  std::map<std::string, std::string> parameters; // values as the API wants them: strings
  std::map<std::string, SourceRange> parameterRanges;
  std::string reclaimPolicy;     // "" (Delete) | Delete | Retain
  std::string volumeBindingMode; // "" (Immediate) | Immediate | WaitForFirstConsumer
  std::optional<bool> allowVolumeExpansion;
  std::vector<std::string> mountOptions;
  SourceRange range, nameRange, provisionerRange;
};

// `volume_attributes NAME { driver = …, parameters { … } }` -> VolumeAttributesClass.
struct VolumeAttributesClass {
  std::string name;
  std::string sourceName;
  std::string driver;
  std::map<std::string, std::string> parameters;
  std::map<std::string, SourceRange> parameterRanges;
  SourceRange range, nameRange, driverRange;
};

// `claim NAME { … }` -> PersistentVolumeClaim; also a StatefulSet's
// `claim_template NAME { … }` (spec.volumeClaimTemplates[]).
struct Claim {
  std::string name;
  std::string sourceName;
  std::string ns;
  std::optional<Quantity> size;
  std::vector<std::string> accessModes; // ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod
  std::string storageClass;             // Kubernetes name; "" = the cluster default
  bool storageClassSet = false;         // `storage_class = ""` asks for no class at all
  std::string attributesClass;          // Kubernetes name of a VolumeAttributesClass
  std::string volumeMode;               // "" | Filesystem | Block
  // Classes named by a rig identifier must be declared in the build; a
  // string may name a class that exists outside it.
  bool storageClassDeclared = false, attributesDeclared = false;
  SourceRange range, nameRange, sizeRange, accessModesRange, storageClassRange, attributesRange;
};

// What a previous build wrote for a claim (from `--previous DIR`, or the
// output directory a build replaces): immutable fields are compared with it.
struct PreviousClaim {
  std::string ns, name;
  std::string owner;                       // a StatefulSet's claim template: the StatefulSet's name
  std::optional<std::string> storageClass; // spec.storageClassName
  std::optional<std::string> attributesClass;
  std::optional<std::string> size;         // spec.resources.requests.storage, as written
  std::vector<std::string> accessModes;
  std::optional<std::string> volumeMode;
  std::string file;                        // where it was read (relative to its directory), for the message
};

using k8s::StorageLimits;

struct StorageModel {
  std::vector<StorageClass> classes;            // declaration order
  std::vector<VolumeAttributesClass> attributes;
  std::vector<Claim> claims;
  StorageLimits limits = StorageLimits::Classic;
  bool empty() const { return classes.empty() && attributes.empty() && claims.empty(); }
};

} // namespace rig::model
