// The formatter: layout rules on small inputs, and on every .rig file in the
// repository the two promises — formatting twice changes nothing more, and
// the build output of a formatted file is byte-identical to the original's.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "compiler/driver/driver.h"
#include "tests/support/read_file.h"

namespace fs = std::filesystem;

namespace rig {
namespace {

std::string fmt(const std::string &text) {
  auto f = formatSource({"test.rig", text});
  EXPECT_TRUE(f->ok()) << text;
  return f->text;
}

TEST(Format, CanonicalLayout) {
  EXPECT_EQ(fmt("pod   web{container c{image=\"x:1\"}}"), "pod web { container c { image = \"x:1\" } }\n");
  EXPECT_EQ(fmt("pod web {\ncontainer c {\n      image   =   \"x:1\"; args = [\"a\"]\n}\n}\n"),
            "pod web {\n  container c {\n    image = \"x:1\"\n    args = [\"a\"]\n  }\n}\n");
  EXPECT_EQ(fmt("pod web {}\n\n\n\npod db {}\n"), "pod web {}\n\npod db {}\n");
  EXPECT_EQ(fmt("job j {\n  on   exit 1..10   in  c =>  fail_job\n}\n"), "job j {\n  on exit 1..10 in c => fail_job\n}\n");
}

// A one-line body that does not fit was laid out twice: once in the
// attempt to keep it on one line, once on lines of its own, and so again
// at each level below it. 26 nested one-line `for`s took five seconds and
// 40 would take hours; the layout is the same, in linear time per level.
TEST(Format, DeeplyNestedOneLineBodiesFormatWithoutBlowup) {
  std::string text;
  const int depth = 150;
  for (int i = 0; i < depth; ++i) text += "for i" + std::to_string(i) + " in 0..1 { ";
  text += "pod p { container c { image = \"x:1\" } }";
  text += std::string(depth, '}') + "\n";
  // With the old doubling per level, 150 levels would never finish; the
  // suite's per-test timeout (tests/CMakeLists.txt) is the guard.
  std::string once = fmt(text);
  EXPECT_EQ(fmt(once), once);
  EXPECT_NE(once.find("for i149 in 0..1 {"), std::string::npos);
  EXPECT_EQ(once.rfind("for i0 in 0..1 {\n", 0), 0u);
  // Bodies that fit stay on one line, inside ones that do not.
  EXPECT_EQ(fmt("for a in 0..1 { for b in 0..1 { pod p { container c { image = \"x:1\", command = [\"a-long-argument\"] } } } }\n"),
            "for a in 0..1 {\n  for b in 0..1 { pod p { container c { image = \"x:1\", command = [\"a-long-argument\"] } } }\n}\n");
}

TEST(Format, KeepsComments) {
  std::string in = "// header\n\n// about web\npod web { // trailing\n  /* block */\n  container c {\n    image = \"x:1\" // the image\n    // last\n  }\n}\n// end\n";
  std::string out = fmt(in);
  for (const char *c : {"// header", "// about web", "// trailing", "/* block */", "// the image", "// last", "// end"})
    EXPECT_NE(out.find(c), std::string::npos) << c << " lost in:\n" << out;
  // A comment after `{` moves to the first line of the block; the rest is
  // already canonical.
  EXPECT_EQ(out, "// header\n\n// about web\npod web {\n  // trailing\n  /* block */\n  container c {\n    image = \"x:1\" // the image\n    // last\n  }\n}\n// end\n");
  EXPECT_EQ(fmt(out), out);
}

TEST(Format, CommentInsideAHeaderKeepsTheItemAsWritten) {
  std::string in = "pod web /* why */ {\n  container c { image = \"x:1\" }\n}\n";
  EXPECT_NE(fmt(in).find("/* why */"), std::string::npos);
}

TEST(Format, ExpressionsAndStringsAreCopied) {
  std::string in = "let x = (1 + 2) * 3\nlet s = \"a\\tb ${x}\"\nlet t = \"\"\"\n  two\n    lines\n  \"\"\"\n";
  EXPECT_EQ(fmt(in), in);
}

TEST(Format, LongTemplateHeadersBreakOneParameterPerLine) {
  std::string in = "template t(aaaaaaaaaaaa: string = \"aaaaaaaaaaaaaaaaaaaa\", bbbbbbbbbbbbb: string = \"bbbbbbbbbbbbbbbbbb\", c: int = 1) : pod { }\n";
  std::string out = fmt(in);
  EXPECT_NE(out.find("template t(\n    aaaaaaaaaaaa: string"), std::string::npos) << out;
  EXPECT_EQ(fmt(out), out);
}

TEST(Format, SyntaxErrorsLeaveNothing) {
  auto f = formatSource({"bad.rig", "pod web {\n"});
  EXPECT_FALSE(f->ok());
  EXPECT_TRUE(f->text.empty());
}

using test::readFile;

std::vector<fs::path> repositoryRigFiles() {
  std::vector<fs::path> out;
  for (const char *dir : {"examples", "stdlib", "tests", "bench"})
    for (const auto &e : fs::recursive_directory_iterator(fs::path(RIG_SOURCE_DIR) / dir))
      if (e.is_regular_file() && e.path().extension() == ".rig") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// What a build of one file produces, for comparing a file with its
// formatted self: the outputs when it compiles, else its diagnostic kinds.
std::string buildSummary(const std::string &name, const std::string &text) {
  CompileOptions opts;
  auto c = compile({{name, text}}, opts);
  if (!c->ok()) {
    std::vector<std::string> kinds;
    for (const Diagnostic &d : c->diags.all()) kinds.push_back(d.name().str());
    std::sort(kinds.begin(), kinds.end());
    std::string s = "errors:";
    for (const std::string &k : kinds) s += " " + k;
    return s;
  }
  std::string s = c->outputs.stream();
  for (const emit::OutputFile &f : c->outputs.files) s += "\n== " + f.path + "\n" + f.content;
  return s;
}

TEST(Format, IdempotentAndMeaningPreservingOnEveryRepositoryFile) {
  // Relative imports resolve from the repository root, as rig run there.
  fs::path cwd = fs::current_path();
  fs::current_path(RIG_SOURCE_DIR);
  size_t formatted = 0, skipped = 0;
  for (const fs::path &p : repositoryRigFiles()) {
    std::string name = fs::relative(p, RIG_SOURCE_DIR).string();
    std::string text = readFile(p);
    auto once = formatSource({name, text});
    if (!once->ok()) {
      ++skipped; // broken on purpose (recovery corpus, parse failures)
      continue;
    }
    ++formatted;
    auto twice = formatSource({name, once->text});
    ASSERT_TRUE(twice->ok()) << name << ": the formatted text does not parse:\n" << once->text;
    EXPECT_EQ(twice->text, once->text) << name << ": formatting is not idempotent";
    EXPECT_EQ(buildSummary(name, once->text), buildSummary(name, text)) << name << ": formatting changed the build";
  }
  fs::current_path(cwd);
  EXPECT_GT(formatted, 100u) << "too few repository files were formatted (" << skipped << " skipped)";
}

} // namespace
} // namespace rig
