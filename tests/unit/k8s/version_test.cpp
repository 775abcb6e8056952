#include "compiler/k8s/version.h"

#include <gtest/gtest.h>

using namespace rig::k8s;

TEST(Version, ParsesMinorVersionsOnly) {
  ASSERT_TRUE(parseVersion("1.31"));
  EXPECT_EQ(parseVersion("1.31")->minor, 31);
  EXPECT_FALSE(parseVersion("1.31.2"));
  EXPECT_FALSE(parseVersion("v1.31"));
  EXPECT_FALSE(parseVersion("1"));
  EXPECT_TRUE(isSupported(Version{1, 29}));
  EXPECT_TRUE(isSupported(Version{1, 34}));
  EXPECT_FALSE(isSupported(Version{1, 35}));
}

// The table against shared/reference/k8s-api.md §0.
TEST(Version, FeatureTableMatchesTheReference) {
  EXPECT_FALSE(available(Feature::NativeSidecars, Version{1, 28}));
  EXPECT_TRUE(available(Feature::NativeSidecars, Version{1, 29}));
  EXPECT_EQ(feature(Feature::NativeSidecars, Version{1, 31}).stage, Stage::Beta);
  EXPECT_EQ(feature(Feature::NativeSidecars, Version{1, 33}).stage, Stage::GA);
  EXPECT_FALSE(available(Feature::AppArmorField, Version{1, 29}));
  EXPECT_TRUE(available(Feature::AppArmorField, Version{1, 30}));
  EXPECT_EQ(feature(Feature::AppArmorField, Version{1, 31}).stage, Stage::GA);
  EXPECT_FALSE(available(Feature::VolumeAttributesClass, Version{1, 33}));
  EXPECT_TRUE(available(Feature::VolumeAttributesClass, Version{1, 34}));
  EXPECT_EQ(volumeAttributesClassApi(Version{1, 30}), "storage.k8s.io/v1alpha1");
  EXPECT_EQ(volumeAttributesClassApi(Version{1, 31}), "storage.k8s.io/v1beta1");
  EXPECT_EQ(volumeAttributesClassApi(Version{1, 34}), "storage.k8s.io/v1");
  EXPECT_EQ(draApi(Version{1, 30}), "");
  EXPECT_EQ(draApi(Version{1, 31}), "resource.k8s.io/v1alpha3");
  EXPECT_EQ(draApi(Version{1, 32}), "resource.k8s.io/v1beta1");
  EXPECT_EQ(draApi(Version{1, 33}), "resource.k8s.io/v1beta2");
  EXPECT_EQ(draApi(Version{1, 34}), "resource.k8s.io/v1");
  EXPECT_EQ(feature(Feature::AppArmorField, Version{1, 29}).since.minor, 30);
}

TEST(Version, DraShapesPerVersion) {
  using rig::k8s::Version;
  EXPECT_EQ(rig::k8s::draApi(Version{1, 30}), "");
  EXPECT_EQ(rig::k8s::draApi(Version{1, 31}), "resource.k8s.io/v1alpha3");
  EXPECT_EQ(rig::k8s::draApi(Version{1, 32}), "resource.k8s.io/v1beta1");
  EXPECT_EQ(rig::k8s::draApi(Version{1, 33}), "resource.k8s.io/v1beta2");
  EXPECT_EQ(rig::k8s::draApi(Version{1, 34}), "resource.k8s.io/v1");
  EXPECT_FALSE(rig::k8s::draNestedRequests(Version{1, 32}));
  EXPECT_TRUE(rig::k8s::draNestedRequests(Version{1, 33}));
  EXPECT_FALSE(rig::k8s::draPcieRootPublished(Version{1, 31}));
  EXPECT_TRUE(rig::k8s::draPcieRootPublished(Version{1, 32}));
  EXPECT_EQ(rig::k8s::draMaxClaimConsumers(Version{1, 32}), 32);
  EXPECT_EQ(rig::k8s::draMaxClaimConsumers(Version{1, 33}), 256);
}
