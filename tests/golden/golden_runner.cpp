// The golden-file runner. Three families of cases, each registered as a
// GoogleTest test at start-up:
//
//   tests/golden/<phase>/NAME.rig   beside NAME.expected: the diagnostics
//       (with kind names, so tests match kinds, not wording), the exit
//       status, and the phase's output (parse: AST dump; check: model dump;
//       emit: the manifest stream; explain: the explain text). A first line
//       `// RUN: --k8s 1.28 --format json` passes options. Cases named
//       `fail_*` must have errors; all others must have none.
//   examples/NAME/*.rig             beside expected/: the exact files
//       `rig build -o DIR` writes.
//   tests/recovery/*                broken inputs: must produce errors, a
//       usable AST and no crash (ASan runs catch the rest).
//   tests/golden/lsp/*.session      scripted language-server sessions:
//       messages sent and the replies expected (lsp_sessions.cpp).
//
// `rig_golden_tests --autoupdate` rewrites every expected file from what the
// compiler produces now; review the diff before committing.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "compiler/diagnostics/render.h"
#include "tests/support/read_file.h"
#include "compiler/driver/driver.h"
#include "compiler/explain/explain.h"
#include "tests/golden/lsp_sessions.h"

namespace fs = std::filesystem;
using namespace rig;

namespace {

bool gAutoupdate = false;
const fs::path kRoot = RIG_SOURCE_DIR;

using test::readFile;

void writeFile(const fs::path &p, const std::string &s) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << s;
}

std::string repoPath(const fs::path &p) { return fs::relative(p, kRoot).generic_string(); }

// Options from a `// RUN:` first line.
struct CaseOptions {
  CompileOptions compile;
  bool ok = true;
};

CaseOptions parseRunLine(const std::string &text) {
  CaseOptions o;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  const std::string marker = "// RUN:";
  if (line.rfind(marker, 0) != 0) return o;
  std::istringstream words(line.substr(marker.size()));
  std::string w;
  while (words >> w) {
    if (w == "--k8s" && words >> w) {
      o.compile.target = k8s::parseVersion(w);
      if (!o.compile.target) o.ok = false;
    } else if (w == "--format" && words >> w) {
      o.compile.emit.format = w == "json" ? emit::ManifestFormat::Json : emit::ManifestFormat::Yaml;
    } else if (w == "--max-input-size" && words >> w) {
      o.compile.parse.maxFileBytes = std::stoull(w);
    } else if (w == "--max-items" && words >> w) {
      o.compile.maxExpandedItems = std::stoull(w);
    } else if (w == "--solver-rlimit" && words >> w) {
      o.compile.verify.rlimit = std::stoull(w);
    } else if (w == "--werror") {
      o.compile.werror = true;
    } else if (w == "--previous" && words >> w) {
      o.compile.previousOutput = w; // relative to the repository root
    } else if (w == "--previous") {
      o.ok = false;
    } else if (w == "--no-apparmor-loader") {
      o.compile.emit.appArmorLoader = false;
    } else {
      o.ok = false;
    }
  }
  return o;
}

std::string renderDiagnostics(const Compilation &c) {
  RenderOptions ro;
  ro.showKindNames = true;
  return renderText(c.sources, c.diags.all(), ro);
}

void compareOrUpdate(const fs::path &expectedPath, const std::string &actual) {
  if (gAutoupdate) {
    if (!fs::exists(expectedPath) || readFile(expectedPath) != actual) writeFile(expectedPath, actual);
    return;
  }
  ASSERT_TRUE(fs::exists(expectedPath)) << repoPath(expectedPath) << " is missing; run rig_golden_tests --autoupdate";
  EXPECT_EQ(readFile(expectedPath), actual) << "golden mismatch for " << repoPath(expectedPath)
                                            << "; if the change is intended, run rig_golden_tests --autoupdate";
}

// ---- tests/golden/<phase>/*.rig

class PhaseCase : public testing::Test {
public:
  PhaseCase(fs::path input, std::string phase) : input_(std::move(input)), phase_(std::move(phase)) {}
  void TestBody() override {
    std::string text = readFile(input_);
    CaseOptions opts = parseRunLine(text);
    ASSERT_TRUE(opts.ok) << "bad RUN line in " << repoPath(input_);
    if (phase_ == "parse") opts.compile.stopAfter = Phase::Parse;
    else if (phase_ == "check" || phase_ == "explain") opts.compile.stopAfter = Phase::Verify;
    opts.compile.streamOnly = true;
    // Diagnostics name the file relative to the repository root so expected
    // files do not depend on where the checkout is.
    auto c = compile({{repoPath(input_), text}}, opts.compile);
    std::string out = "== diagnostics\n" + renderDiagnostics(*c);
    out += "== exit " + std::to_string(c->ok() ? 0 : 1) + "\n";
    if (c->ok() || phase_ == "parse") {
      out += "== " + phase_ + "\n";
      if (phase_ == "parse") {
        for (const ast::File &f : c->files) out += ast::dump(f, c->sources);
      } else if (phase_ == "check") {
        out += model::dump(c->program);
      } else if (phase_ == "explain") {
        out += explain(c->program, c->verified);
      } else {
        out += c->outputs.stream();
      }
    }
    bool expectFail = input_.filename().string().rfind("fail_", 0) == 0;
    EXPECT_EQ(expectFail, !c->ok()) << repoPath(input_) << (expectFail ? ": a fail_ case compiled without errors"
                                                                        : ": a case without fail_ prefix has errors");
    fs::path expected = input_;
    expected.replace_extension(".expected");
    compareOrUpdate(expected, out);
  }

private:
  fs::path input_;
  std::string phase_;
};

// ---- examples/NAME

class ExampleCase : public testing::Test {
public:
  explicit ExampleCase(fs::path dir) : dir_(std::move(dir)) {}
  void TestBody() override {
    std::vector<SourceInput> inputs;
    std::vector<fs::path> files;
    for (const auto &e : fs::directory_iterator(dir_))
      if (e.path().extension() == ".rig") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    ASSERT_FALSE(files.empty()) << repoPath(dir_) << " has no .rig file";
    for (const fs::path &f : files) inputs.push_back({repoPath(f), readFile(f)});
    CaseOptions opts = parseRunLine(inputs.front().text);
    ASSERT_TRUE(opts.ok);
    auto c = compile(std::move(inputs), opts.compile);
    ASSERT_TRUE(c->ok()) << renderDiagnostics(*c);
    EXPECT_TRUE(c->diags.all().empty()) << "examples must compile without warnings:\n" << renderDiagnostics(*c);
    fs::path expectedDir = dir_ / "expected";
    std::set<std::string> produced;
    for (const emit::OutputFile &f : c->outputs.files) {
      produced.insert(f.path);
      compareOrUpdate(expectedDir / f.path, f.content);
    }
    // No stale files: the expected directory holds exactly what rig writes.
    if (fs::exists(expectedDir))
      for (const auto &e : fs::recursive_directory_iterator(expectedDir)) {
        if (!e.is_regular_file()) continue;
        std::string rel = fs::relative(e.path(), expectedDir).generic_string();
        if (produced.count(rel)) continue;
        if (gAutoupdate) fs::remove(e.path());
        else ADD_FAILURE() << relative(e.path()) << " is not produced any more; run --autoupdate";
      }
  }

private:
  fs::path dir_;
};

// ---- tests/recovery/*

class RecoveryCase : public testing::Test {
public:
  explicit RecoveryCase(fs::path input) : input_(std::move(input)) {}
  void TestBody() override {
    auto c = compile({{repoPath(input_), readFile(input_)}}, CompileOptions{});
    EXPECT_FALSE(c->ok()) << repoPath(input_) << " should be rejected";
    EXPECT_GT(c->diags.errorCount(), 0u);
    for (const Diagnostic &d : c->diags.all()) {
      if (d.range.valid()) {
        EXPECT_LE(d.range.end, c->sources.text(d.range.file).size()) << d.message;
      }
      EXPECT_FALSE(d.message.empty());
    }
    EXPECT_TRUE(c->outputs.files.empty()) << "no output may be produced for bad input";
  }

private:
  fs::path input_;
};

// Every diagnostic kind is produced by at least one golden case.
class CoverageCase : public testing::Test {
public:
  void TestBody() override {
    std::string all;
    for (const auto &e : fs::recursive_directory_iterator(kRoot / "tests" / "golden"))
      if (e.path().extension() == ".expected") all += readFile(e.path());
    // Kinds whose trigger cannot live in a readable golden file, with the
    // test that covers each instead.
    static const std::set<std::string> elsewhere = {
        "InputNotFound",       // needs a missing file: tests/cli/cli_test.sh
        "AnnotationsTooLarge", // needs 256 KiB of annotations: tests/unit/check/check_test.cpp
        "TooManyStorageParameters",  // needs 513 parameters: tests/unit/check/check_test.cpp
        "StorageParametersTooLarge", // needs 256 KiB of parameters: tests/unit/check/check_test.cpp
        "SyntaxCheckStopped", // needs 2 MiB past a syntax error: tests/unit/parse/fast_parser_test.cpp
    };
    std::vector<std::string> missing;
    for (const DiagKindInfo &k : allDiagKinds()) {
      if (elsewhere.count(k.name.str())) continue;
      std::string tag = k.code.str() + " " + k.name.str() + "]";
      if (all.find(tag) == std::string::npos) missing.push_back(k.code.str() + " " + k.name.str());
    }
    std::string list;
    for (const std::string &m : missing) list += "\n  " + m;
    EXPECT_TRUE(missing.empty()) << "diagnostic kinds without a golden test:" << list;
  }
};

std::string testName(const std::string &s) {
  std::string out;
  for (char c : s) out += std::isalnum((unsigned char)c) ? c : '_';
  return out;
}

template <typename Range>
std::vector<fs::path> sorted(Range r) {
  std::vector<fs::path> v;
  for (const auto &e : r) v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

void registerAll() {
  fs::path golden = kRoot / "tests" / "golden";
  for (const fs::path &phaseDir : sorted(fs::directory_iterator(golden))) {
    if (!fs::is_directory(phaseDir)) continue;
    std::string phase = phaseDir.filename().string();
    if (phase == "lsp") continue; // sessions, registered below; their .rig files are documents
    for (const fs::path &p : sorted(fs::directory_iterator(phaseDir))) {
      if (p.extension() != ".rig") continue;
      testing::RegisterTest(("golden_" + phase).c_str(), testName(p.stem().string()).c_str(), nullptr, nullptr,
                            __FILE__, __LINE__, [=]() -> testing::Test * { return new PhaseCase(p, phase); });
    }
  }
  for (const fs::path &dir : sorted(fs::directory_iterator(kRoot / "examples"))) {
    if (!fs::is_directory(dir)) continue;
    testing::RegisterTest("examples", testName(dir.filename().string()).c_str(), nullptr, nullptr, __FILE__, __LINE__,
                          [=]() -> testing::Test * { return new ExampleCase(dir); });
  }
  for (const fs::path &p : sorted(fs::directory_iterator(kRoot / "tests" / "recovery"))) {
    if (!fs::is_regular_file(p)) continue;
    testing::RegisterTest("recovery", testName(p.filename().string()).c_str(), nullptr, nullptr, __FILE__, __LINE__,
                          [=]() -> testing::Test * { return new RecoveryCase(p); });
  }
  rig::golden::registerLspSessions(kRoot, gAutoupdate);
  testing::RegisterTest("golden", "every_diagnostic_kind_has_a_case", nullptr, nullptr, __FILE__, __LINE__,
                        []() -> testing::Test * { return new CoverageCase(); });
}

} // namespace

int main(int argc, char **argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--autoupdate") gAutoupdate = true;
  // Inputs and `// RUN: --previous DIR` are named relative to the
  // repository root, as when rig runs there, so imports and directories
  // resolve the same way in every case and diagnostics print them as written.
  fs::current_path(kRoot);
  registerAll();
  return RUN_ALL_TESTS();
}
