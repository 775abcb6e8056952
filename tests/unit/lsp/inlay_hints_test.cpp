// Inlay hints for failure rules: the codes a range or `not in` resolves to,
// and the rules a std/failures convention expands to.
#include <gtest/gtest.h>

#include "lsp_session.h"

using namespace rig::lsp;
using namespace rig::lsp::testing;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

// Hint labels by their byte offset in `text`.
std::map<size_t, std::string> hints(const std::string &text) {
  Session s;
  s.request("initialize", Object{});
  const char *uri = "file:///tmp/rig-lsp-hints/app.rig";
  s.open(uri, text);
  Value reply = s.request("textDocument/inlayHint", Object{{"textDocument", Object{{"uri", uri}}}});
  std::map<size_t, std::string> out;
  for (const Value &h : *reply.getAsObject()->getArray("result")) {
    const Object *o = h.getAsObject();
    out[offsetAt(text, *o->getObject("position"))] = o->getString("label")->str();
  }
  return out;
}

} // namespace

TEST(LspInlayHints, FailureRuleRangesResolveToTheirCodes) {
  Marked m = marked(R"(job batch {
  restart_policy = Never
  container trainer { image = "trainer:1" }
  on exit 1..5, 42^ in trainer => fail_job
  on exit not in 0, 1..10^ in trainer => count
  on exit 137^ in trainer => ignore
}
)");
  std::map<size_t, std::string> h = hints(m.text);
  EXPECT_EQ(h[m.cursors[0]], "= 6 codes: 1–5, 42");
  EXPECT_EQ(h[m.cursors[1]], "= 245 codes: 11–255");
  EXPECT_EQ(h.count(m.cursors[2]), 0u); // a single code needs no hint
}

TEST(LspInlayHints, AConventionFromTheStdlibListsItsRules) {
  Marked m = marked(R"(import "std/failures" as f
job etl = f.exit_code_convention(main: "trainer")^ {
  container trainer { image = "trainer:1" }
}
)");
  std::map<size_t, std::string> h = hints(m.text);
  ASSERT_TRUE(h.count(m.cursors[0])) << m.text;
  EXPECT_EQ(h[m.cursors[0]],
            "rules: condition DisruptionTarget => ignore; exit 137 in trainer => fail_job; exit 1–10 in trainer => "
            "fail_job; exit 42 in trainer => ignore; exit 124 in trainer => count");
}
