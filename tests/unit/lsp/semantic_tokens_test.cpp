// Semantic tokens: decoded back to (text, type, modifiers) on a file with
// non-ASCII text before tokens, so UTF-16 columns and lengths are checked.
#include <gtest/gtest.h>

#include "lsp_session.h"

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
