#include "compiler/parse/parse.h"

#include <gtest/gtest.h>

using namespace rig;
using llvm::cast;
using llvm::dyn_cast;

namespace {
struct Parsed {
  SourceManager sm;
  Diagnostics diags;
  ast::File file;
};
std::unique_ptr<Parsed> parseText(const std::string &text) {
  auto p = std::make_unique<Parsed>();
  FileId f = p->sm.addFile("t.rig", text);
  p->file = parse(p->sm, f, p->diags);
  return p;
}
} // namespace

TEST(Parse, DeclarationWithWordsAfterValueAndBody) {
  auto p = parseText("pod web {\n  sidecar b after a, c { image = \"x\" }\n  volume v = empty_dir()\n}\n");
  ASSERT_TRUE(p->diags.all().empty()) << p->diags.all().front().message;
  ASSERT_EQ(p->file.items.size(), 1u);
  auto *pod = cast<ast::Declaration>(p->file.items[0].get());
  EXPECT_EQ(pod->keyword.name, "pod");
  ASSERT_NE(pod->nameWord(), nullptr);
  EXPECT_EQ(pod->nameWord()->text, "web");
  ASSERT_EQ(pod->body->items.size(), 2u);
  auto *side = cast<ast::Declaration>(pod->body->items[0].get());
  ASSERT_EQ(side->after.size(), 2u);
  EXPECT_EQ(side->after[1].name, "c");
  auto *vol = cast<ast::Declaration>(pod->body->items[1].get());
  ASSERT_TRUE(vol->value);
  EXPECT_TRUE(llvm::isa<ast::CallExpr>(vol->value.get()));
}

TEST(Parse, RangesAreByteOffsets) {
  auto p = parseText("// é\npod x {}\n");
  ASSERT_EQ(p->file.items.size(), 1u);
  auto *pod = cast<ast::Declaration>(p->file.items[0].get());
  // "é" is two bytes, so `pod` starts at byte 6 and `x` at byte 10.
  EXPECT_EQ(pod->range.begin, 6u);
  ASSERT_EQ(pod->words.size(), 1u);
  EXPECT_EQ(pod->words[0][0].range.begin, 10u);
}

TEST(Parse, QuantitiesKeepTheirText) {
  auto p = parseText("x = 512Mi\ny = 1.5.3Gi\nz = 900GB/s\n");
  ASSERT_TRUE(p->diags.all().empty());
  auto text = [&](size_t i) { return cast<ast::NumberExpr>(cast<ast::Attribute>(p->file.items[i].get())->value.get())->text; };
  EXPECT_EQ(text(0), "512Mi");
  EXPECT_EQ(text(1), "1.5.3Gi");
  EXPECT_EQ(text(2), "900GB/s");
}

TEST(Parse, StringInterpolationAndEscapes) {
  auto p = parseText("x = \"a\\tb ${name}-${1 + 2}\"\n");
  ASSERT_TRUE(p->diags.all().empty());
  auto *s = cast<ast::StringExpr>(cast<ast::Attribute>(p->file.items[0].get())->value.get());
  ASSERT_EQ(s->parts.size(), 4u);
  EXPECT_EQ(s->parts[0].text, "a\tb ");
  EXPECT_TRUE(llvm::isa<ast::NameExpr>(s->parts[1].expr.get()));
  EXPECT_EQ(s->parts[2].text, "-");
  EXPECT_TRUE(llvm::isa<ast::BinaryExpr>(s->parts[3].expr.get()));
}

TEST(Parse, TextBlocksAreDedented) {
  auto p = parseText("x = \"\"\"\n    line one\n      indented\n    \"\"\"\n");
  ASSERT_TRUE(p->diags.all().empty());
  auto *s = cast<ast::StringExpr>(cast<ast::Attribute>(p->file.items[0].get())->value.get());
  EXPECT_EQ(s->plainText(), "line one\n  indented");
}

TEST(Parse, FailureRules) {
  auto p = parseText("job j {\n on exit 137 in processor => fail_job\n on exit not in 0, 1..10 => count\n on condition DisruptionTarget => ignore\n}\n");
  ASSERT_TRUE(p->diags.all().empty()) << p->diags.all().front().message;
  auto *job = cast<ast::Declaration>(p->file.items[0].get());
  auto *r0 = cast<ast::FailureRule>(job->body->items[0].get());
  EXPECT_EQ(r0->values[0].lo, "137");
  EXPECT_EQ(r0->container->name, "processor");
  auto *r1 = cast<ast::FailureRule>(job->body->items[1].get());
  EXPECT_TRUE(r1->notIn);
  EXPECT_EQ(r1->values[1].hi, "10");
  auto *r2 = cast<ast::FailureRule>(job->body->items[2].get());
  EXPECT_EQ(r2->match, ast::FailureRule::Match::Condition);
}

TEST(Parse, WholeSurfaceParses) {
  auto p = parseText(R"(
import "std/sidecars" as sc
let replicas = 3
template web(name: string, replicas: int = 2) { deployment app { replicas = replicas } }
for shard in 0..7 { job "etl-${shard}" { container c { image = "x:1" } } }
if replicas > 2 { namespace "big" } else { namespace "small" }
apparmor nginx_strict {
  flags attach_disconnected, mediate_deleted
  include abstractions.base
  allow read write "/var/cache/nginx/**", "/run/nginx.pid"
  deny mount, umount, ptrace
}
cluster pool { node dgx[1..4] = nvidia.dgx_h100() }
pod t { gpus all8 { count = 8, class = nvidia.h100, same nvlink_domain } }
)");
  for (const auto &d : p->diags.all()) ADD_FAILURE() << d.message;
  EXPECT_EQ(p->file.items.size(), 8u);
}

TEST(Parse, RecoversAndReportsEveryError) {
  auto p = parseText("pod a {\n  image = \n}\npod b {\n  x = ]\n}\npod c { container d { image = \"ok:1\" } }\n");
  EXPECT_GE(p->diags.errorCount(), 2u);
  // The valid declaration after the errors is still in the tree.
  bool sawC = false;
  for (const auto &it : p->file.items)
    if (auto *d = dyn_cast<ast::Declaration>(it.get()); d && d->nameWord() && d->nameWord()->text == "c") sawC = true;
  EXPECT_TRUE(sawC);
}

TEST(Parse, LexicalErrorsHaveRanges) {
  auto p = parseText("pod a {\n  x = \"unterminated\n}\n");
  ASSERT_FALSE(p->diags.all().empty());
  EXPECT_EQ(p->diags.all().front().kind, DiagKind::UnterminatedString);
  EXPECT_EQ(p->diags.all().front().range.begin, 14u);
}

TEST(Parse, BinaryInputIsRefusedWithoutParsing) {
  auto p = parseText(std::string("pod a {\0\x01\x02", 10));
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->diags.all().front().kind, DiagKind::NotUtf8Text);
  EXPECT_EQ(p->diags.all().front().range.begin, 7u);
}

TEST(Parse, CommentsAreKeptForTheFormatter) {
  auto p = parseText("// top\npod a { # inline\n}\n/* block */\n");
  ASSERT_EQ(p->file.comments.size(), 3u);
  EXPECT_EQ(p->file.comments[1].text, "# inline");
}

// An interpolation is parsed as an expression of its own: brackets and
// operators inside `${…}` nest the parser like any others. The pre-scan
// skipped string literals whole, so 100,000 brackets inside one crashed
// the parser with a stack overflow instead of getting a diagnostic.
TEST(Parse, InterpolationsCountTowardsTheNestingLimit) {
  for (const char *open : {"(", "[", "-", "!"}) {
    std::string deep = std::string("let x = \"a${") + std::string(100000, open[0]) + "1";
    if (open[0] == '(') deep += std::string(100000, ')');
    if (open[0] == '[') deep += std::string(100000, ']');
    deep += "}b\"\n";
    auto p = parseText(deep);
    ASSERT_FALSE(p->diags.all().empty()) << open;
    EXPECT_EQ(p->diags.all().front().kind, DiagKind::NestingTooDeep) << open;
    // The error points into the interpolation, where the limit is passed.
    EXPECT_GT(p->diags.all().front().range.begin, 12u) << open;
  }
  // Nesting within the limit still parses, escapes and text blocks included.
  std::string ok = "let x = \"\\${not code} ${" + std::string(150, '(') + "1" + std::string(150, ')') + "}\"\n" +
                   "let y = \"\"\"\n  ${" + std::string(150, '[') + "1" + std::string(150, ']') + "}\n  \"\"\"\n";
  auto q = parseText(ok);
  EXPECT_TRUE(q->diags.all().empty()) << q->diags.all().front().message;
  EXPECT_EQ(q->file.items.size(), 2u);
  // The same brackets in a text block are refused too.
  auto r = parseText("let y = \"\"\"\n  ${" + std::string(5000, '(') + "1" + std::string(5000, ')') + "}\n  \"\"\"\n");
  ASSERT_FALSE(r->diags.all().empty());
  EXPECT_EQ(r->diags.all().front().kind, DiagKind::NestingTooDeep);
}

// `not`, `and` and `or` nest the tree exactly as `!`, `&&` and `||` do, and
// a postfix chain (`a[0][0]…`, `f()()…`) wraps the whole chain once per
// bracket although its brackets never get deep. The pre-scan counted
// neither: 200,000 `not`s overflowed the parser's stack, and 200,000
// `and`s or `[0]`s parsed into a tree that overflowed the checker's.
namespace {
std::string repeat(llvm::StringRef s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s.str();
  return out;
}
} // namespace

TEST(Parse, KeywordOperatorsAndPostfixChainsCountTowardsTheLimit) {
  for (std::string deep : {"let x = " + repeat("not ", 200000) + "true\n",
                           "let x = true" + repeat(" and true", 200000) + "\n",
                           "let x = true" + repeat(" or true", 200000) + "\n",
                           "let x = a" + repeat("[0]", 200000) + "\n",
                           "let x = f" + repeat("()", 200000) + "\n",
                           "let x = \"${" + repeat("not ", 200000) + "true}\"\n",
                           "let x = \"${a" + repeat(" [0]", 200000) + "}\"\n"}) {
    auto p = parseText(deep);
    ASSERT_FALSE(p->diags.all().empty()) << deep.substr(0, 20);
    EXPECT_EQ(p->diags.all().front().kind, DiagKind::NestingTooDeep) << deep.substr(0, 20);
  }
  // Words that merely start with an operator's letters are names, and
  // chains within the limit parse.
  auto q = parseText("let origin = notable + android\nlet y = " + repeat("not ", 900) + "true\nlet z = a" +
                     repeat("[0]", 900) + "\nlet w = " + repeat("or_", 2000) + "\n");
  EXPECT_TRUE(q->diags.all().empty()) << q->diags.all().front().message;
  EXPECT_EQ(q->file.items.size(), 4u);
}

// A newline ends an operator chain only between items. Inside brackets it
// is part of the expression: `1 + (1\n) + (1\n) …` was read as many short
// chains, and 60,000 of them parsed into a tree whose walk overflowed the
// checker's stack (a crash on a 420 KB file). Braces inside a chain, and
// lines joined by `\`, no longer end it either.
TEST(Parse, ChainsContinuedOnNewLinesCountTowardsTheLimit) {
  for (std::string deep : {"let x = 1" + repeat(" + (1\n)", 60000) + "\n",
                           "let x = 1" + repeat(" + [1,\n2][0]", 60000) + "\n",
                           "let x = 1" + repeat(" + len({\n})", 60000) + "\n",
                           "let x = 1" + repeat(" + 1 \\\n", 60000) + " + 1\n",
                           "let x = 1" + repeat(" + 1 \\\r\n", 60000) + " + 1\n"}) {
    auto p = parseText(deep);
    ASSERT_FALSE(p->diags.all().empty()) << deep.substr(0, 30);
    EXPECT_EQ(p->diags.all().front().kind, DiagKind::NestingTooDeep) << deep.substr(0, 30);
  }
  // Items a comma separates on one line are separate chains, as on lines
  // of their own; so are the lines of a block inside brackets, and the
  // elements of a list, on one line or many.
  auto q = parseText("x { " + repeat("a.b = 1, ", 3000) + "}\nlet y = f(1, {\n" + repeat("b = 1 + 1\n", 3000) +
                     "})\nlet z = [" + repeat("1.5, ", 3000) + "1]\nlet w = [\n" + repeat("-1.5,\n", 3000) + "]\n");
  EXPECT_TRUE(q->diags.all().empty()) << q->diags.all().front().message;
  EXPECT_EQ(q->file.items.size(), 4u);
}

TEST(Parse, LongRunsOfCommentsAreNotAnOperatorChain) {
  // The nesting pre-scan once counted each comment's `/` as an operator and
  // never saw the newline ending it: 1,000 comment lines in a row were
  // "nested too deep".
  std::string text = "pod p { container c { image = \"a:1\" } }\n";
  for (int i = 0; i < 5000; ++i) text += i % 3 == 0 ? "// a comment - with / operators * in it\n"
                                        : i % 3 == 1 ? "# another\n"
                                                     : "/* a block - comment */\n";
  auto p = parseText(text);
  EXPECT_TRUE(p->diags.all().empty()) << p->diags.all().front().message;
  EXPECT_EQ(p->file.items.size(), 1u);
  EXPECT_EQ(p->file.comments.size(), 5000u);
  // A real operator chain is still refused.
  std::string chain = "let x = 1";
  for (int i = 0; i < 1100; ++i) chain += " + 1";
  auto q = parseText(chain + "\n");
  ASSERT_FALSE(q->diags.all().empty());
  EXPECT_EQ(q->diags.all().front().kind, DiagKind::NestingTooDeep);
}
