// What rig knows about CSI drivers, as data: which parameters a storage
// class and a volume attributes class may carry, which of them the driver
// can change on a live volume (ControllerModifyVolume), and the IOPS and
// throughput limits of each volume type. The checker and `rig explain` read
// it; nothing else hard-codes a driver fact.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace rig::k8s {

// Which published limits to check against: AWS raised the gp3 ceilings in
// late 2025 (64 TiB, 80,000 IOPS, 2,000 MiB/s); the classic ones stay the
// default because most accounts and regions documented them until then.
enum class StorageLimits { Classic, Late2025 };
llvm::StringRef storageLimitsName(StorageLimits l); // "classic" | "late_2025"

// What a parameter means to rig's checks.
enum class ParamRole { Other, Type, Iops, IopsPerGiB, Throughput, Encrypted, KmsKey };

enum class ParamValue { String, Int, Bool, Enum, Throughput };

struct DriverParam {
  llvm::StringRef key;     // as documented; matched case-insensitively when the driver does
  ParamRole role = ParamRole::Other;
  ParamValue value = ParamValue::String;
  bool inClass = true;       // accepted in a StorageClass (CreateVolume)
  bool modifiable = false;   // accepted in a VolumeAttributesClass (ControllerModifyVolume)
  bool prefix = false;       // `key` is a prefix (tagSpecification_1, …)
  llvm::StringRef values;    // Enum: "a|b|c"
};

// Limits of one volume type. A zero maximum means "not settable".
struct VolumeTypeLimits {
  llvm::StringRef type;
  int64_t minSizeGiB = 0, maxSizeGiB = 0;
  int64_t minIops = 0, maxIops = 0;
  int64_t maxIopsPerGiB = 0;             // 0: no ratio
  int64_t minThroughput = 0, maxThroughput = 0; // MiB/s
  // throughput (MiB/s) <= provisioned IOPS × num / den; 0: no ratio
  int64_t throughputPerIopsNum = 0, throughputPerIopsDen = 1;
  int64_t baselineIops = 0, baselineThroughput = 0; // what the volume gets when unset
  llvm::StringRef source; // cited in diagnostics: "AWS EBS gp3 limits"
};

struct StorageDriver {
  llvm::StringRef name;  // "ebs.csi.aws.com"
  llvm::StringRef title; // "the AWS EBS CSI driver"
  bool caseInsensitiveKeys = false;
  // Whether the class parameter list below is complete: only then is an
  // unknown key an error (otherwise rig cannot tell a typo from a key it
  // does not know).
  bool closedClassParams = false;
  llvm::StringRef defaultType;          // volume type when the class names none
  llvm::StringRef modifiableSummary;    // "type, iops, throughput and tags"
  std::vector<DriverParam> params;
  std::vector<VolumeTypeLimits> types;
};

// The driver named `name` with limits of edition `limits`; null if rig has
// no knowledge of it (its parameters are then passed through unchecked).
const StorageDriver *findStorageDriver(llvm::StringRef name, StorageLimits limits);
// Every driver rig knows, for did-you-mean on provisioner names.
std::vector<llvm::StringRef> knownStorageDrivers();

// The parameter `key` of `driver` (honouring case-insensitivity and prefix
// keys); null if unknown.
const DriverParam *findDriverParam(const StorageDriver &driver, llvm::StringRef key);
// The limits of volume type `type` (case-insensitive); null if unknown.
const VolumeTypeLimits *findVolumeType(const StorageDriver &driver, llvm::StringRef type);

using ParamMap = std::map<std::string, std::string>;

// The parameters a volume ends up with: the storage class's, with every
// role (type, IOPS, throughput, …) the attributes class sets replaced by its
// value — what the driver applies on create and on modify.
ParamMap effectiveParameters(const StorageDriver &driver, const ParamMap *classParams, const ParamMap *attributeParams);
// The value of the parameter with `role` in `params` (its key to `key`);
// null if none.
const std::string *parameterByRole(const StorageDriver &driver, const ParamMap &params, ParamRole role, std::string *key = nullptr);

// A throughput value in MiB/s: "1000", or "150Mi" (GCE PD writes a
// quantity); nullopt if it is neither.
std::optional<int64_t> parseThroughputMiB(llvm::StringRef text);

} // namespace rig::k8s
