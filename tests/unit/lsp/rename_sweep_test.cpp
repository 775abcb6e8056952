// Every renameable name declared in every example and in every golden
// input that builds, renamed through the
// symbol index to a fresh name: the example must still build (checker and
// emitter) — a rename that missed a use would leave a dangling name — and
// produce the same number of objects.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>

#include "compiler/driver/driver.h"
#include "tests/support/read_file.h"
#include "lsp/symbols.h"

namespace fs = std::filesystem;
using namespace rig;
using namespace rig::lsp;

namespace {


// Builds the entries of `texts`; `texts` also holds edited imported files.
std::unique_ptr<Compilation> build(const fs::path &dir, const std::map<std::string, std::string> &texts,
                                   const std::set<std::string> &entries) {
  std::vector<SourceInput> inputs;
  for (const auto &[path, text] : texts)
    if (entries.count(path)) inputs.push_back({path, text});
  CompileOptions opts;
  opts.root = dir.string();
  opts.stopAfter = Phase::Emit;
  opts.readFile = [&](const std::string &path) -> std::optional<std::string> {
    auto it = texts.find(fs::path(path).lexically_normal().string());
    if (it != texts.end()) return it->second;
    if (!fs::exists(path)) return std::nullopt;
    return rig::test::readFile(path);
  };
  return compile(std::move(inputs), opts);
}

// The projects to sweep: each example directory (all its files), and each
// golden input that builds (one file each).
std::vector<std::pair<fs::path, std::map<std::string, std::string>>> projects() {
  std::vector<std::pair<fs::path, std::map<std::string, std::string>>> out;
  for (const auto &e : fs::directory_iterator(fs::path(RIG_SOURCE_DIR) / "examples")) {
    if (!e.is_directory()) continue;
    std::map<std::string, std::string> texts;
    for (const auto &f : fs::directory_iterator(e.path()))
      if (f.path().extension() == ".rig") texts[f.path().lexically_normal().string()] = rig::test::readFile(f.path());
    if (!texts.empty()) out.emplace_back(e.path(), std::move(texts));
  }
  for (const auto &e : fs::recursive_directory_iterator(fs::path(RIG_SOURCE_DIR) / "tests" / "golden"))
    if (e.path().extension() == ".rig" && !llvm::StringRef(e.path().filename().string()).startswith("fail_"))
      out.emplace_back(e.path().parent_path(),
                       std::map<std::string, std::string>{{e.path().lexically_normal().string(), rig::test::readFile(e.path())}});
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

TEST(LspRenameSweep, EveryNameInEveryExampleAndGoldenRenamesToABuildingProgram) {
  unsigned renamed = 0;
  for (auto &[dir, texts] : projects()) {
    fs::path where = dir;
    struct { const fs::path &path() const { return p; } fs::path p; } e{where};
    std::set<std::string> entries;
    for (const auto &[path, text] : texts) entries.insert(path);
    std::unique_ptr<Compilation> original = build(e.path(), texts, entries);
    if (!original->ok()) continue; // an example that fails on purpose
    size_t objects = original->outputs.files.size();
    SymbolIndex index(*original);
    for (size_t i = 0; i < index.symbols().size(); ++i) {
      const Symbol &s = index.symbols()[i];
      if (!s.renameable || s.stdlib || index.isStdlib(s.decl.file)) continue;
      std::string newName = "zq" + std::to_string(i);
      ASSERT_EQ(invalidNewName(s, newName), "") << s.name;
      // The edits, per file.
      std::map<std::string, std::string> edited = texts;
      std::map<std::string, std::vector<std::tuple<uint32_t, uint32_t, std::string>>> spans;
      for (const Occurrence &o : index.occurrencesOf(i)) {
        SourceRange r = o.range;
        if (s.stringName && o.declaration) ++r.begin, --r.end;
        std::string path = fs::absolute(original->sources.name(r.file).str()).lexically_normal().string();
        spans[path].push_back({r.begin, r.end, renamedText(o, newName)});
      }
      for (auto &[path, list] : spans) {
        if (!edited.count(path)) edited[path] = rig::test::readFile(path); // an imported file
        std::sort(list.rbegin(), list.rend());
        for (const auto &[b, en, t] : list) edited[path].replace(b, en - b, t);
      }
      std::unique_ptr<Compilation> after = build(e.path(), edited, entries);
      std::string errors;
      for (const Diagnostic &d : after->diags.all())
        if (d.severity == Severity::Error) errors += d.code().str() + " " + d.message + "\n";
      EXPECT_TRUE(after->ok()) << texts.begin()->first << ": renaming " << s.keyword << " `" << s.name << "` to `"
                               << newName << "`:\n" << errors;
      EXPECT_EQ(after->outputs.files.size(), objects) << s.name;
      ++renamed;
    }
  }
  EXPECT_GT(renamed, 200u);
}
