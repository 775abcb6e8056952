#include "compiler/k8s/storage_drivers.h"

#include <gtest/gtest.h>

using namespace rig::k8s;

TEST(StorageDrivers, KnowsEbsAzureAndGce) {
  for (llvm::StringRef name : knownStorageDrivers()) EXPECT_NE(findStorageDriver(name, StorageLimits::Classic), nullptr) << name.str();
  EXPECT_EQ(findStorageDriver("nfs.csi.k8s.io", StorageLimits::Classic), nullptr);
}

TEST(StorageDrivers, Gp3LimitsPerEdition) {
  const VolumeTypeLimits *classic = findVolumeType(*findStorageDriver("ebs.csi.aws.com", StorageLimits::Classic), "gp3");
  const VolumeTypeLimits *late = findVolumeType(*findStorageDriver("ebs.csi.aws.com", StorageLimits::Late2025), "gp3");
  ASSERT_TRUE(classic && late);
  EXPECT_EQ(classic->maxIops, 16000);
  EXPECT_EQ(classic->maxThroughput, 1000);
  EXPECT_EQ(classic->maxSizeGiB, 16384);
  EXPECT_EQ(late->maxIops, 80000);
  EXPECT_EQ(late->maxThroughput, 2000);
  EXPECT_EQ(late->maxSizeGiB, 65536);
  EXPECT_EQ(classic->maxIopsPerGiB, 500);
  // 0.25 MiB/s per IOPS: 1,000 MiB/s needs 4,000 IOPS.
  EXPECT_EQ(1000 * classic->throughputPerIopsDen / classic->throughputPerIopsNum, 4000);
}

TEST(StorageDrivers, EbsKeysAreCaseInsensitiveAndOnlySomeModifiable) {
  const StorageDriver &ebs = *findStorageDriver("ebs.csi.aws.com", StorageLimits::Classic);
  const DriverParam *iops = findDriverParam(ebs, "IOPS");
  ASSERT_TRUE(iops);
  EXPECT_TRUE(iops->modifiable);
  const DriverParam *enc = findDriverParam(ebs, "encrypted");
  ASSERT_TRUE(enc);
  EXPECT_FALSE(enc->modifiable);
  EXPECT_FALSE(findDriverParam(ebs, "kmsKeyId")->modifiable);
  EXPECT_TRUE(findDriverParam(ebs, "tagSpecification_3"));
  EXPECT_FALSE(findDriverParam(ebs, "tagSpecification_")); // a prefix needs a suffix
  EXPECT_FALSE(findDriverParam(ebs, "iop"));
}

TEST(StorageDrivers, EffectiveParametersLetAttributesWinByRole) {
  const StorageDriver &ebs = *findStorageDriver("ebs.csi.aws.com", StorageLimits::Classic);
  ParamMap cls{{"type", "gp3"}, {"IOPS", "4000"}, {"encrypted", "true"}};
  ParamMap attrs{{"iops", "10000"}, {"throughput", "500"}};
  ParamMap eff = effectiveParameters(ebs, &cls, &attrs);
  EXPECT_EQ(eff.count("IOPS"), 0u); // replaced by the attributes class's `iops`
  EXPECT_EQ(eff.at("iops"), "10000");
  EXPECT_EQ(eff.at("encrypted"), "true");
  std::string key;
  const std::string *t = parameterByRole(ebs, eff, ParamRole::Throughput, &key);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, "500");
  EXPECT_EQ(key, "throughput");
  EXPECT_EQ(effectiveParameters(ebs, nullptr, nullptr).size(), 0u);
}

TEST(StorageDrivers, ThroughputAcceptsMiSuffix) {
  EXPECT_EQ(parseThroughputMiB("150Mi"), 150);
  EXPECT_EQ(parseThroughputMiB("1000"), 1000);
  EXPECT_FALSE(parseThroughputMiB("fast"));
  EXPECT_FALSE(parseThroughputMiB("-5"));
  EXPECT_FALSE(parseThroughputMiB("Mi"));
}
