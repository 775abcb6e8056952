// AppArmor's name tables against what the machine's `apparmor` package
// installed, when it is installed (Debian bookworm: the version rig targets).
#include "compiler/apparmor/names.h"

#include <filesystem>
#include <set>

#include <gtest/gtest.h>

using namespace rig::apparmor;
namespace fs = std::filesystem;

TEST(AppArmorNames, AbstractionsMatchTheInstalledPackage) {
  fs::path dir = "/etc/apparmor.d/abstractions";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "apparmor is not installed";
  std::set<std::string> installed;
  for (const auto &e : fs::directory_iterator(dir))
    if (e.is_regular_file()) installed.insert(e.path().filename().string());
  std::set<std::string> ours;
  for (llvm::StringRef a : abstractions()) ours.insert(a.str());
  EXPECT_EQ(ours, installed);
}

TEST(AppArmorNames, Lists) {
  EXPECT_EQ(capabilities().size(), 41u); // CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40)
  EXPECT_TRUE(contains(capabilities(), "net_bind_service"));
  EXPECT_FALSE(contains(capabilities(), "NET_BIND_SERVICE"));
  EXPECT_TRUE(contains(networkDomains(), "inet6"));
  EXPECT_TRUE(contains(profileModes(), "complain"));
  ASSERT_TRUE(tunableValues("run"));
  EXPECT_EQ(tunableValues("run")->size(), 2u);
  EXPECT_FALSE(tunableValues("nope"));
}
