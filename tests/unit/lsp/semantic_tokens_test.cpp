// Semantic tokens: decoded back to (text, type, modifiers) on a file with
// non-ASCII text before tokens, so UTF-16 columns and lengths are checked.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "lsp_session.h"
#include "tests/support/read_file.h"

using namespace rig::lsp;
using namespace rig::lsp::testing;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

struct Decoded {
  std::string text, type;
  std::vector<std::string> modifiers;
};

// Undoes the relative encoding with the legend from `initialize`.
std::vector<Decoded> decode(const std::string &text, const Array &data, const Object &legend) {
  std::vector<std::string> types, mods;
  for (const Value &t : *legend.getArray("tokenTypes")) types.push_back(t.getAsString()->str());
  for (const Value &m : *legend.getArray("tokenModifiers")) mods.push_back(m.getAsString()->str());
  std::vector<Decoded> out;
  int64_t line = 0, col = 0;
  for (size_t i = 0; i + 4 < data.size(); i += 5) {
    int64_t dl = *data[i].getAsInteger(), dc = *data[i + 1].getAsInteger(), len = *data[i + 2].getAsInteger();
    line += dl;
    col = dl == 0 ? col + dc : dc;
    size_t b = offsetAt(text, Object{{"line", line}, {"character", col}});
    size_t e = offsetAt(text, Object{{"line", line}, {"character", col + len}});
    Decoded d{text.substr(b, e - b), types.at(*data[i + 3].getAsInteger()), {}};
    for (size_t k = 0; k < mods.size(); ++k)
      if (*data[i + 4].getAsInteger() & (1 << k)) d.modifiers.push_back(mods[k]);
    out.push_back(std::move(d));
  }
  return out;
}

const Decoded *find(const std::vector<Decoded> &v, const std::string &text, size_t nth = 0) {
  for (const Decoded &d : v)
    if (d.text == text && nth-- == 0) return &d;
  return nullptr;
}
bool hasModifier(const Decoded *d, const std::string &m) {
  return d && std::find(d->modifiers.begin(), d->modifiers.end(), m) != d->modifiers.end();
}

} // namespace

TEST(LspSemanticTokens, KindsFromTheTreeWithUtf16Columns) {
  Session s;
  Value init = s.request("initialize", Object{});
  const Object *legend =
      init.getAsObject()->getObject("result")->getObject("capabilities")->getObject("semanticTokensProvider")->getObject("legend");
  ASSERT_TRUE(legend);
  const std::string text = R"(// grüße 😀
let tag = "1.0"
deployment web {
  replicas = 2 + 1
  sidecar proxy { image = "envoy:${tag}", env NOTE = "ü😀" }
  container app after proxy {
    image = "nginx"; env GREETING = "😀😀"; requests { memory = 512Mi }
  }
  termination_grace_period = 30s
}
)";
  std::string uri = "file:///tmp/rig-semantic-tokens/app.rig";
  s.open(uri, text);
  Value reply = s.request("textDocument/semanticTokens/full", Object{{"textDocument", Object{{"uri", uri}}}});
  const Array *data = reply.getAsObject()->getObject("result")->getArray("data");
  ASSERT_TRUE(data);
  ASSERT_EQ(data->size() % 5, 0u);
  std::vector<Decoded> tokens = decode(text, *data, *legend);

  auto typeOf = [&](const std::string &t, size_t nth = 0) {
    const Decoded *d = find(tokens, t, nth);
    return d ? d->type : "(none: " + t + ")";
  };
  EXPECT_EQ(typeOf("// grüße 😀"), "comment");
  EXPECT_EQ(typeOf("let"), "keyword");
  EXPECT_EQ(typeOf("tag"), "variable");
  EXPECT_TRUE(hasModifier(find(tokens, "tag"), "declaration"));
  EXPECT_TRUE(hasModifier(find(tokens, "tag"), "readonly"));
  EXPECT_EQ(typeOf("tag", 1), "variable"); // the use inside the interpolation
  EXPECT_FALSE(hasModifier(find(tokens, "tag", 1), "declaration"));
  EXPECT_EQ(typeOf("deployment"), "keyword");
  EXPECT_EQ(typeOf("web"), "class");
  EXPECT_EQ(typeOf("replicas"), "property");
  EXPECT_EQ(typeOf("+"), "operator");
  EXPECT_EQ(typeOf("proxy"), "struct");
  EXPECT_EQ(typeOf("proxy", 1), "struct"); // `after proxy`
  EXPECT_EQ(typeOf("after"), "keyword");
  EXPECT_EQ(typeOf("\"envoy:${"), "string");
  // After the emoji on its line: the UTF-16 columns must be right for these to decode.
  EXPECT_EQ(typeOf("\"ü😀\""), "string");
  EXPECT_EQ(typeOf("\"😀😀\""), "string");
  EXPECT_EQ(typeOf("requests"), "keyword");
  EXPECT_EQ(typeOf("memory"), "property");
  EXPECT_EQ(typeOf("512Mi"), "number");
  EXPECT_TRUE(hasModifier(find(tokens, "512Mi"), "quantity"));
  EXPECT_EQ(typeOf("30s"), "number");
  EXPECT_TRUE(hasModifier(find(tokens, "30s"), "duration"));
  EXPECT_EQ(typeOf("="), "operator");
  // Every token decodes to non-empty text.
  for (const Decoded &d : tokens) EXPECT_FALSE(d.text.empty()) << d.type;
}

// Every example and stdlib module, and truncations of them (broken trees):
// tokens are in order, non-empty, inside their line; navigation requests at
// many positions answer without crashing.
TEST(LspSemanticTokens, WellFormedOnEveryExampleAndOnBrokenPrefixes) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const char *dir : {"examples", "stdlib/std"})
    for (const auto &e : fs::recursive_directory_iterator(fs::path(RIG_SOURCE_DIR) / dir))
      if (e.path().extension() == ".rig") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  // Definitions into the stdlib write its cached copy: into a directory of the test's own.
  char tmpl[] = "/tmp/rig-lsp-sweep-XXXXXX";
  std::string cache = mkdtemp(tmpl);
  setenv("XDG_CACHE_HOME", cache.c_str(), 1);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      for (auto &e : std::filesystem::recursive_directory_iterator(dir, ec))
        std::filesystem::permissions(e.path(), std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
      std::filesystem::remove_all(dir, ec);
      unsetenv("XDG_CACHE_HOME");
    }
  } cleanup{cache};
  Session s;
  s.request("initialize", Object{});
  int version = 1;
  for (const fs::path &p : files) {
    const std::string full = rig::test::readFile(p);
    std::string uri = "file://" + p.string();
    for (size_t cut : {full.size(), full.size() * 2 / 3, full.size() / 3}) {
      std::string text = full.substr(0, cut);
      s.notify("textDocument/didOpen",
               Object{{"textDocument", Object{{"uri", uri}, {"languageId", "rig"}, {"version", ++version}, {"text", text}}}});
      Value reply = s.request("textDocument/semanticTokens/full", Object{{"textDocument", Object{{"uri", uri}}}});
      const Array *data = reply.getAsObject()->getObject("result")->getArray("data");
      ASSERT_TRUE(data) << p;
      ASSERT_EQ(data->size() % 5, 0u);
      // Decode: positions strictly increase, lengths are positive, tokens end within their line.
      std::vector<std::string> lines;
      {
        std::stringstream ls(text);
        for (std::string l; std::getline(ls, l);) lines.push_back(l);
      }
      int64_t line = 0, col = 0;
      for (size_t i = 0; i < data->size(); i += 5) {
        int64_t dl = *(*data)[i].getAsInteger(), dc = *(*data)[i + 1].getAsInteger(), len = *(*data)[i + 2].getAsInteger();
        ASSERT_TRUE(dl > 0 || dc > 0 || i == 0) << p << " token " << i / 5;
        line += dl;
        col = dl == 0 ? col + dc : dc;
        ASSERT_GT(len, 0);
        ASSERT_LT(static_cast<size_t>(line), lines.size()) << p;
        size_t end = offsetAt(text, Object{{"line", line}, {"character", col + len}});
        size_t lineEnd = offsetAt(text, Object{{"line", line}, {"character", 1 << 20}});
        ASSERT_LE(end, lineEnd) << p << " line " << line;
      }
      // Navigation at positions through the file answers (result or error), never crashes.
      for (size_t at = 0; at < text.size(); at += 97) {
        auto params = [&] { return Object{{"textDocument", Object{{"uri", uri}}}, {"position", positionAt(text, at)}}; };
        s.request("textDocument/definition", params());
        Object refs = params();
        refs["context"] = Object{{"includeDeclaration", true}};
        s.request("textDocument/references", std::move(refs));
        s.request("textDocument/prepareRename", params());
        Object ren = params();
        ren["newName"] = "zz_renamed";
        s.request("textDocument/rename", std::move(ren));
      }
    }
  }
}
