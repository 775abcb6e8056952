// Import resolution against a real directory tree: what stays inside the
// project root loads once, and every way out (.., absolute paths, symlinks)
// is refused with the import's range.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "compiler/driver/driver.h"

namespace fs = std::filesystem;

namespace rig {
namespace {

class ModuleLoaderTest : public testing::Test {
protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("rig-modules-" + std::to_string(::getpid()) + "-" +
                                          testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "project" / "lib");
    fs::create_directories(base_ / "outside");
  }
  void TearDown() override { fs::remove_all(base_); }

  void write(const fs::path &p, const std::string &text) {
    std::ofstream(p, std::ios::binary) << text;
  }

  std::unique_ptr<Compilation> build(const std::string &mainText) {
    fs::path main = base_ / "project" / "main.rig";
    write(main, mainText);
    CompileOptions opts;
    opts.stopAfter = Phase::Check;
    return compile({{main.string(), mainText}}, opts);
  }

  std::vector<std::string> kinds(const Compilation &c) {
    std::vector<std::string> out;
    for (const Diagnostic &d : c.diags.all()) out.push_back(d.name().str());
    return out;
  }

  fs::path base_;
};

constexpr const char *kPod = "\npod p { container c { image = \"x:1\" } }\n";

TEST_F(ModuleLoaderTest, LoadsEachModuleOnce) {
  write(base_ / "project" / "lib" / "a.rig", "import \"./b.rig\" as b\nlet x = b.y\n");
  write(base_ / "project" / "lib" / "b.rig", "let y = \"v\"\n");
  auto c = build(std::string("import \"lib/a.rig\" as a\nimport \"lib/b.rig\" as b\npod p { container c { image = \"x:1\", args = [a.x, b.y] } }\n"));
  EXPECT_TRUE(c->ok()) << kinds(*c).size();
  // main, a, b: b is imported twice but parsed once.
  EXPECT_EQ(c->files.size(), 3u);
  ASSERT_EQ(c->program.workloads.size(), 1u);
  EXPECT_EQ(*c->program.workloads[0].pod.containers[0].args, (std::vector<std::string>{"v", "v"}));
}

TEST_F(ModuleLoaderTest, RefusesParentEscape) {
  write(base_ / "outside" / "x.rig", "let x = 1\n");
  auto c = build(std::string("import \"../outside/x.rig\" as x") + kPod);
  EXPECT_EQ(kinds(*c), std::vector<std::string>{"ImportEscapesRoot"});
}

TEST_F(ModuleLoaderTest, RefusesAbsolutePath) {
  write(base_ / "project" / "lib" / "x.rig", "let x = 1\n");
  auto c = build("import \"" + (base_ / "project" / "lib" / "x.rig").string() + "\" as x" + kPod);
  EXPECT_EQ(kinds(*c), std::vector<std::string>{"ImportEscapesRoot"});
}

TEST_F(ModuleLoaderTest, RefusesSymlinkLeavingTheRoot) {
  write(base_ / "outside" / "secret.rig", "let x = 1\n");
  fs::create_symlink(base_ / "outside" / "secret.rig", base_ / "project" / "lib" / "link.rig");
  auto c = build(std::string("import \"lib/link.rig\" as x") + kPod);
  ASSERT_EQ(kinds(*c), std::vector<std::string>{"ImportEscapesRoot"});
  EXPECT_NE(c->diags.all()[0].message.find("symlink"), std::string::npos) << c->diags.all()[0].message;
}

TEST_F(ModuleLoaderTest, FollowsSymlinkInsideTheRoot) {
  write(base_ / "project" / "lib" / "real.rig", "let x = \"ok\"\n");
  fs::create_symlink(base_ / "project" / "lib" / "real.rig", base_ / "project" / "alias.rig");
  auto c = build(std::string("import \"alias.rig\" as x\npod p { container c { image = \"x:1\", args = [x.x] } }\n"));
  EXPECT_TRUE(c->ok());
}

TEST_F(ModuleLoaderTest, ReportsCycleWithItsPath) {
  write(base_ / "project" / "lib" / "a.rig", "import \"./b.rig\"\nlet a = 1\n");
  write(base_ / "project" / "lib" / "b.rig", "import \"./a.rig\"\nlet b = 1\n");
  auto c = build(std::string("import \"lib/a.rig\"") + kPod);
  ASSERT_EQ(kinds(*c), std::vector<std::string>{"ImportCycle"});
  const std::string &m = c->diags.all()[0].message;
  EXPECT_NE(m.find("a.rig → "), std::string::npos) << m;
  EXPECT_NE(m.find("b.rig → "), std::string::npos) << m;
}

TEST_F(ModuleLoaderTest, StdlibModulesResolveWithoutTheDisk) {
  auto c = build("import \"std/sidecars\" as sc\npod p {\n  sidecar proxy = sc.istio_proxy()\n  container c { image = \"x:1\" }\n}\n");
  EXPECT_TRUE(c->ok());
  ASSERT_EQ(c->program.workloads.size(), 1u);
  EXPECT_EQ(c->program.workloads[0].pod.initContainers.size(), 1u);
}

TEST_F(ModuleLoaderTest, ProjectModuleObjectsJoinTheBuild) {
  write(base_ / "project" / "lib" / "jobs.rig", "job cleanup { restart_policy = Never\n container c { image = \"x:1\" } }\n");
  auto c = build(std::string("import \"lib/jobs.rig\"") + kPod);
  EXPECT_TRUE(c->ok());
  EXPECT_EQ(c->program.workloads.size(), 2u);
}

TEST_F(ModuleLoaderTest, AnImportOfAnInputIsThatInput) {
  // Both files are inputs and one imports the other (through a path with
  // `..` in it): the import is the input already there, not a second copy
  // of its objects. (The inputs' real paths are worked out on the first
  // import only.)
  fs::path main = base_ / "project" / "main.rig", shared = base_ / "project" / "lib" / "shared.rig";
  std::string mainText = "import \"lib/../lib/shared.rig\" as s\npod p { container c { image = \"x:1\", args = [s.x] } }\n";
  std::string sharedText = "let x = \"v\"\njob cleanup { restart_policy = Never\n container c { image = \"x:1\" } }\n";
  write(main, mainText);
  write(shared, sharedText);
  CompileOptions opts;
  opts.stopAfter = Phase::Check;
  auto c = compile({{main.string(), mainText}, {shared.string(), sharedText}}, opts);
  EXPECT_TRUE(c->ok()) << (c->diags.all().empty() ? "" : c->diags.all().front().message);
  EXPECT_EQ(c->files.size(), 2u);
  EXPECT_EQ(c->program.workloads.size(), 2u);
}

} // namespace
} // namespace rig
