#include "compiler/k8s/storage_drivers.h"

#include <algorithm>

namespace rig::k8s {

llvm::StringRef storageLimitsName(StorageLimits l) { return l == StorageLimits::Late2025 ? "late_2025" : "classic"; }

namespace {

using R = ParamRole;
using V = ParamValue;

// Shorthands for the table: where a key is accepted.
DriverParam classOnly(llvm::StringRef key, R role = R::Other, V value = V::String, llvm::StringRef values = "") {
  return DriverParam{key, role, value, true, false, false, values};
}
DriverParam both(llvm::StringRef key, R role = R::Other, V value = V::String, llvm::StringRef values = "") {
  return DriverParam{key, role, value, true, true, false, values};
}
DriverParam modifyOnly(llvm::StringRef key, R role = R::Other, V value = V::String) {
  return DriverParam{key, role, value, false, true, false, ""};
}
DriverParam prefixKey(llvm::StringRef key, bool inClass, bool modifiable) {
  return DriverParam{key, R::Other, V::String, inClass, modifiable, true, ""};
}

// AWS EBS CSI driver (ebs.csi.aws.com): docs/parameters.md and
// docs/modify-volume.md of kubernetes-sigs/aws-ebs-csi-driver, and the AWS
// EBS volume-type limits (shared/reference/k8s-api.md §3.4). Keys are
// case-insensitive. ControllerModifyVolume accepts only type, iops,
// throughput, the IOPS-per-GiB pair and tags; anything else (encrypted,
// kmsKeyId) is "Invalid mutable parameter key" and the claim is Infeasible.
StorageDriver awsEbs(StorageLimits limits) {
  StorageDriver d;
  d.name = "ebs.csi.aws.com";
  d.title = "the AWS EBS CSI driver";
  d.caseInsensitiveKeys = true;
  d.closedClassParams = true;
  d.defaultType = "gp3";
  d.modifiableSummary = "`type`, `iops`, `throughput`, `iopsPerGB` and tags";
  d.params = {
      both("type", R::Type, V::Enum, "io1|io2|gp2|gp3|sc1|st1|standard"),
      modifyOnly("volumeType", R::Type, V::String), // deprecated alias on modify
      both("iops", R::Iops, V::Int),
      both("iopsPerGB", R::IopsPerGiB, V::Int),
      classOnly("allowAutoIOPSPerGBIncrease", R::Other, V::Bool),
      modifyOnly("allowAutoIOPSIncreaseOnModify", R::Other, V::Bool),
      both("throughput", R::Throughput, V::Int),
      classOnly("encrypted", R::Encrypted, V::Bool),
      classOnly("kmsKeyId", R::KmsKey),
      classOnly("csi.storage.k8s.io/fstype", R::Other, V::Enum, "ext4|xfs|ext3"),
      classOnly("blockSize", R::Other, V::Int),
      classOnly("inodeSize", R::Other, V::Int),
      classOnly("bytesPerInode", R::Other, V::Int),
      classOnly("numberOfInodes", R::Other, V::Int),
      classOnly("ext4BigAlloc", R::Other, V::Bool),
      classOnly("ext4ClusterSize", R::Other, V::Int),
      prefixKey("tagSpecification_", true, true),
      prefixKey("tagDeletion_", false, true),
  };
  const bool raised = limits == StorageLimits::Late2025;
  VolumeTypeLimits gp3;
  gp3.type = "gp3";
  gp3.minSizeGiB = 1;
  gp3.maxSizeGiB = raised ? 65536 : 16384;
  gp3.minIops = 3000;
  gp3.maxIops = raised ? 80000 : 16000;
  gp3.maxIopsPerGiB = 500;
  gp3.minThroughput = 125;
  gp3.maxThroughput = raised ? 2000 : 1000;
  gp3.throughputPerIopsNum = 1; // 0.25 MiB/s per provisioned IOPS
  gp3.throughputPerIopsDen = 4;
  gp3.baselineIops = 3000;
  gp3.baselineThroughput = 125;
  gp3.source = raised ? "AWS EBS gp3 limits, late 2025" : "AWS EBS gp3 limits";
  VolumeTypeLimits io1;
  io1.type = "io1";
  io1.minSizeGiB = 4;
  io1.maxSizeGiB = 16384;
  io1.minIops = 100;
  io1.maxIops = 64000;
  io1.maxIopsPerGiB = 50;
  io1.source = "AWS EBS io1 limits";
  VolumeTypeLimits io2;
  io2.type = "io2";
  io2.minSizeGiB = 4;
  io2.maxSizeGiB = 65536;
  io2.minIops = 100;
  io2.maxIops = 256000;
  io2.maxIopsPerGiB = 1000;
  io2.source = "AWS EBS io2 limits";
  // gp2, st1, sc1 and standard take neither iops nor throughput.
  auto fixed = [](llvm::StringRef type, int64_t minSize, int64_t maxSize) {
    VolumeTypeLimits t;
    t.type = type;
    t.minSizeGiB = minSize;
    t.maxSizeGiB = maxSize;
    t.source = "AWS EBS volume types";
    return t;
  };
  d.types = {gp3, io1, io2, fixed("gp2", 1, 16384), fixed("st1", 125, 16384), fixed("sc1", 125, 16384),
             fixed("standard", 1, 1024)};
  return d;
}

// Azure Disk CSI driver (disk.csi.azure.com): docs/driver-parameters.md and
// deploy/example/modifyvolume of kubernetes-sigs/azuredisk-csi-driver. Keys
// are case-insensitive; the class parameter list is long and grows, so rig
// only checks the keys it knows. Modify accepts skuName, DiskIOPSReadWrite
// and DiskMBpsReadWrite.
StorageDriver azureDisk() {
  StorageDriver d;
  d.name = "disk.csi.azure.com";
  d.title = "the Azure Disk CSI driver";
  d.caseInsensitiveKeys = true;
  d.closedClassParams = false;
  d.defaultType = "StandardSSD_LRS";
  d.modifiableSummary = "`skuName`, `DiskIOPSReadWrite` and `DiskMBpsReadWrite`";
  d.params = {
      both("skuName", R::Type, V::Enum,
           "Standard_LRS|Premium_LRS|StandardSSD_LRS|UltraSSD_LRS|Premium_ZRS|StandardSSD_ZRS|PremiumV2_LRS"),
      classOnly("storageAccountType", R::Type, V::String),
      both("DiskIOPSReadWrite", R::Iops, V::Int),
      both("DiskMBpsReadWrite", R::Throughput, V::Int),
      classOnly("cachingMode", R::Other, V::Enum, "None|ReadOnly|ReadWrite"),
      classOnly("diskEncryptionSetID", R::KmsKey),
      classOnly("diskEncryptionType", R::Encrypted),
      classOnly("kind"),
      classOnly("location"),
      classOnly("resourceGroup"),
      classOnly("tags"),
      classOnly("fsType"),
      classOnly("LogicalSectorSize", R::Other, V::Int),
  };
  VolumeTypeLimits ultra;
  ultra.type = "UltraSSD_LRS";
  ultra.minIops = 100;
  ultra.maxIops = 160000;
  ultra.minThroughput = 1;
  ultra.maxThroughput = 2000;
  ultra.source = "Azure Disk CSI driver, UltraSSD_LRS";
  d.types = {ultra};
  return d;
}

// GCE PD CSI driver (pd.csi.storage.gke.io): its README parameter table and
// the VolumeAttributesClass user guide. Hyperdisk IOPS and throughput are set
// at creation with `provisioned-*-on-create` and modified with `iops` and
// `throughput`. rig knows no numeric limits for it (none are verified).
StorageDriver gcePd() {
  StorageDriver d;
  d.name = "pd.csi.storage.gke.io";
  d.title = "the GCE PD CSI driver";
  d.caseInsensitiveKeys = false;
  d.closedClassParams = false;
  d.defaultType = "pd-standard";
  d.modifiableSummary = "`iops` and `throughput`";
  d.params = {
      classOnly("type", R::Type),
      classOnly("replication-type"),
      classOnly("disk-encryption-kms-key", R::KmsKey),
      classOnly("labels"),
      classOnly("storage-pools"),
      classOnly("provisioned-iops-on-create", R::Iops, V::Int),
      classOnly("provisioned-throughput-on-create", R::Throughput, V::Throughput),
      classOnly("csi.storage.k8s.io/fstype"),
      modifyOnly("iops", R::Iops, V::Int),
      modifyOnly("throughput", R::Throughput, V::Throughput),
  };
  return d;
}

} // namespace

const StorageDriver *findStorageDriver(llvm::StringRef name, StorageLimits limits) {
  static const StorageDriver ebsClassic = awsEbs(StorageLimits::Classic);
  static const StorageDriver ebsLate = awsEbs(StorageLimits::Late2025);
  static const StorageDriver azure = azureDisk();
  static const StorageDriver gce = gcePd();
  if (name == ebsClassic.name) return limits == StorageLimits::Late2025 ? &ebsLate : &ebsClassic;
  if (name == azure.name) return &azure;
  if (name == gce.name) return &gce;
  return nullptr;
}

std::vector<llvm::StringRef> knownStorageDrivers() {
  return {"ebs.csi.aws.com", "disk.csi.azure.com", "pd.csi.storage.gke.io"};
}

const DriverParam *findDriverParam(const StorageDriver &driver, llvm::StringRef key) {
  for (const DriverParam &p : driver.params) {
    if (p.prefix) {
      bool match = driver.caseInsensitiveKeys ? key.startswith_insensitive(p.key) : key.startswith(p.key);
      if (match && key.size() > p.key.size()) return &p;
      continue;
    }
    if (driver.caseInsensitiveKeys ? key.equals_insensitive(p.key) : key == p.key) return &p;
  }
  return nullptr;
}

const VolumeTypeLimits *findVolumeType(const StorageDriver &driver, llvm::StringRef type) {
  for (const VolumeTypeLimits &t : driver.types)
    if (type.equals_insensitive(t.type)) return &t;
  return nullptr;
}

ParamMap effectiveParameters(const StorageDriver &driver, const ParamMap *classParams, const ParamMap *attributeParams) {
  ParamMap eff = classParams ? *classParams : ParamMap{};
  if (!attributeParams) return eff;
  for (const auto &[k, v] : *attributeParams) {
    const DriverParam *p = findDriverParam(driver, k);
    if (p && p->role != ParamRole::Other)
      for (auto it = eff.begin(); it != eff.end();) {
        const DriverParam *q = findDriverParam(driver, it->first);
        it = q && q->role == p->role ? eff.erase(it) : std::next(it);
      }
    eff[k] = v;
  }
  return eff;
}

const std::string *parameterByRole(const StorageDriver &driver, const ParamMap &params, ParamRole role, std::string *key) {
  for (const auto &[k, v] : params)
    if (const DriverParam *p = findDriverParam(driver, k); p && p->role == role) {
      if (key) *key = k;
      return &v;
    }
  return nullptr;
}

std::optional<int64_t> parseThroughputMiB(llvm::StringRef text) {
  llvm::StringRef digits = text;
  digits.consume_back("Mi");
  int64_t n;
  if (digits.empty() || digits.getAsInteger(10, n) || n < 0) return std::nullopt;
  return n;
}

} // namespace rig::k8s
