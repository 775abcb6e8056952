// Every renameable name declared in every example, renamed through the
// symbol index to a fresh name: the example must still build (checker and
// emitter) — a rename that missed a use would leave a dangling name — and
// produce the same number of objects.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "compiler/driver/driver.h"
#include "lsp/symbols.h"

namespace fs = std::filesystem;
using namespace rig;
using namespace rig::lsp;

namespace {

std::string readAll(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::unique_ptr<Compilation> build(const fs::path &dir, const std::map<std::string, std::string> &texts) {
  std::vector<SourceInput> inputs;
  for (const auto &[path, text] : texts) inputs.push_back({path, text});
  CompileOptions opts;
  opts.root = dir.string();
  opts.stopAfter = Phase::Emit;
  opts.readFile = [&](const std::string &path) -> std::optional<std::string> {
    auto it = texts.find(fs::path(path).lexically_normal().string());
    if (it != texts.end()) return it->second;
    if (!fs::exists(path)) return std::nullopt;
    return readAll(path);
  };
  return compile(std::move(inputs), opts);
}

} // namespace

TEST(LspRenameSweep, EveryNameInEveryExampleRenamesToABuildingProgram) {
  unsigned renamed = 0;
  for (const auto &e : fs::directory_iterator(fs::path(RIG_SOURCE_DIR) / "examples")) {
    if (!e.is_directory()) continue;
    std::map<std::string, std::string> texts;
    for (const auto &f : fs::directory_iterator(e.path()))
      if (f.path().extension() == ".rig") texts[f.path().lexically_normal().string()] = readAll(f.path());
    if (texts.empty()) continue;
    std::unique_ptr<Compilation> original = build(e.path(), texts);
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
      std::map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> spans;
      for (const Occurrence &o : index.occurrencesOf(i)) {
        SourceRange r = o.range;
        if (s.stringName && o.declaration) ++r.begin, --r.end;
        std::string path = fs::absolute(original->sources.name(r.file).str()).lexically_normal().string();
        spans[path].push_back({r.begin, r.end});
      }
      for (auto &[path, list] : spans) {
        ASSERT_TRUE(edited.count(path)) << path;
        std::sort(list.rbegin(), list.rend());
        for (auto [b, en] : list) edited[path].replace(b, en - b, newName);
      }
      std::unique_ptr<Compilation> after = build(e.path(), edited);
      std::string errors;
      for (const Diagnostic &d : after->diags.all())
        if (d.severity == Severity::Error) errors += d.code().str() + " " + d.message + "\n";
      EXPECT_TRUE(after->ok()) << e.path().filename().string() << ": renaming " << s.keyword << " `" << s.name << "` to `"
                               << newName << "`:\n" << errors;
      EXPECT_EQ(after->outputs.files.size(), objects) << s.name;
      ++renamed;
    }
  }
  EXPECT_GT(renamed, 50u);
}
