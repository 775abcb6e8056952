#include "compiler/emit/k8s/previous_output.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

using namespace rig;
namespace fs = std::filesystem;

namespace {
fs::path scratch(const char *name) {
  fs::path d = fs::temp_directory_path() / (std::string("rig-previous-") + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d / "shop");
  return d;
}
void write(const fs::path &p, const std::string &text) { std::ofstream(p, std::ios::binary) << text; }
} // namespace

TEST(PreviousOutput, ReadsClaimsFromYamlAndJson) {
  fs::path d = scratch("ok");
  write(d / "shop" / "persistentvolumeclaim-a.yaml",
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: a\n  namespace: shop\nspec:\n  storageClassName: gp3\n");
  write(d / "persistentvolumeclaim-b.json",
        R"({"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"b"},"spec":{"accessModes":["ReadWriteOnce"]}})");
  write(d / "storageclass-gp3.yaml", "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: gp3\n");
  std::vector<model::PreviousClaim> claims;
  std::string err;
  ASSERT_TRUE(emit::readPreviousClaims(d.string(), claims, err)) << err;
  ASSERT_EQ(claims.size(), 2u);
  EXPECT_EQ(claims[0].name, "b"); // path order
  EXPECT_FALSE(claims[0].storageClass);
  EXPECT_EQ(claims[1].ns, "shop");
  EXPECT_EQ(claims[1].storageClass.value_or(""), "gp3");
  EXPECT_EQ(claims[1].file, "shop/persistentvolumeclaim-a.yaml");
  fs::remove_all(d);
}

TEST(PreviousOutput, ReadsStatefulSetClaimTemplates) {
  fs::path d = scratch("sts");
  write(d / "shop" / "statefulset-db.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  volumeClaimTemplates:\n"
        "  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n"
        "          storage: 50Gi\n      volumeAttributesClassName: fast\n");
  std::vector<model::PreviousClaim> claims;
  std::string err;
  ASSERT_TRUE(emit::readPreviousClaims(d.string(), claims, err)) << err;
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].owner, "db");
  EXPECT_EQ(claims[0].name, "data");
  EXPECT_EQ(claims[0].size.value_or(""), "50Gi");
  EXPECT_EQ(claims[0].attributesClass.value_or(""), "fast");
  EXPECT_EQ(claims[0].accessModes, std::vector<std::string>{"ReadWriteOnce"});
  EXPECT_FALSE(claims[0].storageClass);
  fs::remove_all(d);
}

TEST(PreviousOutput, ReportsMissingDirectoryAndBrokenYaml) {
  std::vector<model::PreviousClaim> claims;
  std::string err;
  EXPECT_FALSE(emit::readPreviousClaims("/nonexistent/rig/previous", claims, err));
  EXPECT_FALSE(err.empty());
  fs::path d = scratch("broken");
  write(d / "persistentvolumeclaim-x.yaml", "kind: PersistentVolumeClaim\nmetadata: [unclosed\n");
  err.clear();
  EXPECT_FALSE(emit::readPreviousClaims(d.string(), claims, err));
  EXPECT_NE(err.find("persistentvolumeclaim-x.yaml"), std::string::npos);
  fs::remove_all(d);
}
