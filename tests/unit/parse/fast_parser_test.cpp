// The fast parser against the ANTLR reference: for every input the ANTLR
// path accepts without a diagnostic the fast parser must build the same tree
// (every node, byte range, cooked string and comment); for every input with
// a diagnostic it must decline. Inputs: the repository's .rig files,
// hand-written corner cases, generated programs covering every construct of
// grammar/Rig.g4, and deterministic mutations of all of those.
#include "compiler/parse/fast_parser.h"
#include "tests/support/read_file.h"
#include "compiler/parse/nesting.h"
#include "compiler/parse/parse.h"
#include "compiler/diagnostics/render.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace rig;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// ---------------------------------------------------------------- full dump

// Unlike ast::dump, prints every field of every node, with byte ranges.
class DeepDump {
public:
  std::string out;

  void file(const ast::File &f) {
    for (const ast::ItemPtr &it : f.items) item(it.get(), 0);
    for (const ast::Comment &c : f.comments) {
      out += "comment";
      range(c.range);
      out += " " + c.text + "\n";
    }
  }

private:
  void line(int depth, const std::string &s) { out += std::string(depth * 2, ' ') + s + "\n"; }
  void range(SourceRange r) { out += at(r); }
  static std::string at(SourceRange r) {
    std::string s(1, '@');
    s += std::to_string(r.file.value);
    s += ':';
    s += std::to_string(r.begin);
    s += '-';
    s += std::to_string(r.end);
    return s;
  }
  std::string id(const ast::Ident &i) { return "'" + i.name + "'" + at(i.range); }
  static std::string q(const std::string &s) {
    std::string r = "\"";
    for (char c : s) {
      if (c == '\n') r += "\\n";
      else if (c == '\\' || c == '"') r += std::string("\\") + c;
      else r += c;
    }
    return r + "\"";
  }

  void typeRef(const ast::TypeRef *t, int depth) {
    if (!t) return;
    line(depth, "Type " + id(t->name) + " " + at(t->range));
    typeRef(t->element.get(), depth + 1);
  }

  void body(const ast::Body *b, int depth) {
    if (!b) {
      line(depth, "(no body)");
      return;
    }
    line(depth, "Body " + at(b->range));
    for (const ast::ItemPtr &it : b->items) item(it.get(), depth + 1);
  }

  void item(const ast::Item *it, int depth) {
    if (!it) {
      line(depth, "(null item)");
      return;
    }
    std::string r = at(it->range);
    switch (it->kind) {
    case ast::ItemKind::Import: {
      auto &i = llvm::cast<ast::ImportDecl>(*it);
      line(depth, "Import " + q(i.path) + at(i.pathRange) + (i.alias ? " as " + id(*i.alias) : "") + " " + r);
      break;
    }
    case ast::ItemKind::Let: {
      auto &l = llvm::cast<ast::LetDecl>(*it);
      line(depth, "Let " + id(l.name) + " " + r);
      typeRef(l.type.get(), depth + 1);
      expr(l.value.get(), depth + 1);
      break;
    }
    case ast::ItemKind::Template: {
      auto &t = llvm::cast<ast::TemplateDecl>(*it);
      line(depth, "Template " + id(t.name) + (t.resultKind ? " : " + id(*t.resultKind) : "") + " " + r);
      for (const ast::Param &p : t.params) {
        line(depth + 1, "Param " + id(p.name));
        typeRef(&p.type, depth + 2);
        expr(p.defaultValue.get(), depth + 2);
      }
      body(t.body.get(), depth + 1);
      break;
    }
    case ast::ItemKind::For: {
      auto &f = llvm::cast<ast::ForItem>(*it);
      line(depth, "For " + id(f.var) + (f.secondVar ? ", " + id(*f.secondVar) : "") + " " + r);
      expr(f.iterable.get(), depth + 1);
      body(f.body.get(), depth + 1);
      break;
    }
    case ast::ItemKind::If: {
      auto &f = llvm::cast<ast::IfItem>(*it);
      line(depth, "If " + r);
      expr(f.cond.get(), depth + 1);
      body(f.then.get(), depth + 1);
      if (f.elseIf) item(f.elseIf.get(), depth + 1);
      if (f.otherwise) body(f.otherwise.get(), depth + 1);
      break;
    }
    case ast::ItemKind::FailureRule: {
      auto &f = llvm::cast<ast::FailureRule>(*it);
      std::string s = "FailureRule ";
      s += f.match == ast::FailureRule::Match::Exit ? "exit" : "condition";
      s += f.notIn ? " not-in" : "";
      for (const ast::ExitValue &v : f.values) s += " " + v.lo + ".." + v.hi + at(v.range);
      if (f.container) s += " container " + id(*f.container);
      for (const ast::Ident &c : f.conditions) s += " " + id(c);
      line(depth, s + " => " + id(f.action) + " " + r);
      break;
    }
    case ast::ItemKind::Attribute: {
      auto &a = llvm::cast<ast::Attribute>(*it);
      std::string s = "Attribute";
      for (const ast::Ident &p : a.path) s += " " + id(p);
      line(depth, s + (a.quotedKey ? " quoted " : " ") + r);
      expr(a.value.get(), depth + 1);
      break;
    }
    case ast::ItemKind::Declaration: {
      auto &d = llvm::cast<ast::Declaration>(*it);
      line(depth, "Declaration " + id(d.keyword) + " " + r);
      for (const ast::WordGroup &g : d.words) {
        line(depth + 1, "Group");
        for (const ast::Word &w : g) {
          const char *kind = w.kind == ast::Word::Kind::Name ? "Name" : w.kind == ast::Word::Kind::String ? "String" : "Number";
          line(depth + 2, std::string("Word ") + kind + " " + q(w.text) + at(w.range));
          expr(w.index.get(), depth + 3);
        }
      }
      for (const ast::Ident &a : d.after) line(depth + 1, "After " + id(a));
      expr(d.value.get(), depth + 1);
      if (d.body) body(d.body.get(), depth + 1);
      break;
    }
    }
  }

  void expr(const ast::Expr *e, int depth) {
    if (!e) return;
    std::string r = at(e->range);
    switch (e->kind) {
    case ast::ExprKind::Number: line(depth, "Number " + llvm::cast<ast::NumberExpr>(e)->text + r); return;
    case ast::ExprKind::String: {
      line(depth, "String " + r);
      for (const ast::StringPart &p : llvm::cast<ast::StringExpr>(e)->parts) {
        if (p.expr) {
          line(depth + 1, "Interp" + at(p.range) + (p.text.empty() ? "" : " text " + q(p.text)));
          expr(p.expr.get(), depth + 2);
        } else {
          line(depth + 1, "Text " + q(p.text) + at(p.range));
        }
      }
      return;
    }
    case ast::ExprKind::Bool: line(depth, std::string("Bool ") + (llvm::cast<ast::BoolExpr>(e)->value ? "true" : "false") + r); return;
    case ast::ExprKind::Null: line(depth, "Null" + r); return;
    case ast::ExprKind::Name: line(depth, "Name " + llvm::cast<ast::NameExpr>(e)->name + r); return;
    case ast::ExprKind::List:
      line(depth, "List" + r);
      for (const ast::ExprPtr &x : llvm::cast<ast::ListExpr>(e)->elements) expr(x.get(), depth + 1);
      return;
    case ast::ExprKind::Map:
      line(depth, "Map" + r);
      for (const ast::MapEntry &m : llvm::cast<ast::MapExpr>(e)->entries) {
        line(depth + 1, "Key " + id(m.key));
        expr(m.value.get(), depth + 2);
      }
      return;
    case ast::ExprKind::Member: {
      auto *m = llvm::cast<ast::MemberExpr>(e);
      line(depth, "Member " + id(m->member) + r);
      expr(m->base.get(), depth + 1);
      return;
    }
    case ast::ExprKind::Call: {
      auto *c = llvm::cast<ast::CallExpr>(e);
      line(depth, "Call" + r);
      expr(c->callee.get(), depth + 1);
      for (const ast::Argument &a : c->args) {
        line(depth + 1, "Arg" + (a.name ? " " + id(*a.name) : std::string()));
        expr(a.value.get(), depth + 2);
      }
      return;
    }
    case ast::ExprKind::Index: {
      auto *i = llvm::cast<ast::IndexExpr>(e);
      line(depth, "Index" + r);
      expr(i->base.get(), depth + 1);
      expr(i->index.get(), depth + 1);
      return;
    }
    case ast::ExprKind::Unary: {
      auto *u = llvm::cast<ast::UnaryExpr>(e);
      line(depth, "Unary " + u->op + r);
      expr(u->operand.get(), depth + 1);
      return;
    }
    case ast::ExprKind::Binary: {
      auto *b = llvm::cast<ast::BinaryExpr>(e);
      line(depth, "Binary " + b->op + r);
      expr(b->lhs.get(), depth + 1);
      expr(b->rhs.get(), depth + 1);
      return;
    }
    case ast::ExprKind::Range: {
      auto *x = llvm::cast<ast::RangeExpr>(e);
      line(depth, "Range" + r);
      expr(x->lo.get(), depth + 1);
      expr(x->hi.get(), depth + 1);
      return;
    }
    case ast::ExprKind::Conditional: {
      auto *c = llvm::cast<ast::ConditionalExpr>(e);
      line(depth, "Conditional" + r);
      expr(c->cond.get(), depth + 1);
      expr(c->then.get(), depth + 1);
      expr(c->otherwise.get(), depth + 1);
      return;
    }
    case ast::ExprKind::Error: line(depth, "Error" + r); return;
    }
  }
};

std::string deepDump(const ast::File &f) {
  DeepDump d;
  d.file(f);
  return d.out;
}

// The fast parser on one thread, in one pass: what every split parse must
// reproduce.
std::optional<ast::File> onePass(const SourceManager &sm, FileId f) {
  FastParseOptions one;
  one.threads = 1;
  return fastParse(sm, f, one);
}

// `n` small deployments, app_0 … app_(n-1): a file the item-sink tests cut
// into many parts.
std::string smallDeployments(int n) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += "deployment app_" + std::to_string(i) + " {\n  container app {\n    image = \"nginx:1.27\"\n  }\n}\n";
  return text;
}

// Options that cut a file into parts of about `bytesPerPart`, taken by
// `threads` threads, handing the items to `sink`.
FastParseOptions partsFor(unsigned threads, size_t bytesPerPart, ast::ItemSink &sink) {
  FastParseOptions split;
  split.threads = threads;
  split.bytesPerThread = 1;
  split.bytesPerPart = bytesPerPart;
  split.itemSink = &sink;
  return split;
}

// ---------------------------------------------------------------- differential check

struct Verdict {
  bool antlrClean = false; // ANTLR reported nothing
  bool fastAccepted = false;
  bool refused = false;    // refused before parsing (nesting), so no engine's business
  std::string problem;     // empty when the engines agree
};

std::string printable(const std::string &s) {
  std::string r;
  if (s.size() > 4000) return printable(s.substr(0, 2000)) + "\n[… " + std::to_string(s.size() - 2000) + " more bytes]";
  for (unsigned char c : s) {
    if (c == '\n') r += "\\n\n";
    else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      r += buf;
    } else r += (char)c;
  }
  return r;
}

Verdict compareEngines(const std::string &text) {
  Verdict v;
  SourceManager sm;
  FileId f = sm.addFile("t.rig", text);
  Diagnostics diags;
  ParseOptions opts;
  opts.engine = ParseOptions::Engine::Antlr;
  ast::File reference = parse(sm, f, diags, opts);
  std::optional<ast::File> fast = fastParse(sm, f);
  v.antlrClean = diags.all().empty();
  v.fastAccepted = fast.has_value();
  // parse() refuses input nested or chained too deep before either engine
  // runs; what fastParse does with it is never used.
  for (const Diagnostic &d : diags.all())
    if (d.kind == DiagKind::NestingTooDeep) {
      v.refused = true;
      v.fastAccepted = false;
      return v;
    }
  if (!v.antlrClean) {
    if (fast) v.problem = "the fast parser accepted input ANTLR rejects: " + diags.all().front().message;
    return v;
  }
  if (!fast) {
    v.problem = "the fast parser declined input ANTLR accepts";
    return v;
  }
  std::string a = ast::dump(reference, sm), b = ast::dump(*fast, sm);
  if (a != b) {
    v.problem = "ast::dump differs\n--- antlr\n" + a + "--- fast\n" + b;
    return v;
  }
  // Every node, range and cooked string, and the comments.
  a = deepDump(reference);
  b = deepDump(*fast);
  if (a != b) {
    v.problem = "full tree differs\n--- antlr\n" + a + "--- fast\n" + b;
    return v;
  }
  if (fast->id != f) v.problem = "wrong file id";
  return v;
}

#define EXPECT_ENGINES_AGREE(text, what)                                                              \
  do {                                                                                               \
    Verdict v_ = compareEngines(text);                                                               \
    EXPECT_TRUE(v_.problem.empty()) << what << "\n--- input\n" << printable(text) << "\n" << v_.problem; \
  } while (0)

// ---------------------------------------------------------------- inputs

// `piece` n times over: the long chains the nesting tests need.
std::string repeat(llvm::StringRef piece, int n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (int i = 0; i < n; ++i) out += piece;
  return out;
}

using test::readFile;

std::vector<std::filesystem::path> repoFiles() {
  std::vector<std::filesystem::path> files;
  std::filesystem::path root = RIG_SOURCE_DIR;
  for (const char *dir : {"tests/golden", "examples", "tests/recovery"}) {
    std::filesystem::path d = root / dir;
    if (!std::filesystem::exists(d)) continue;
    for (const auto &e : std::filesystem::recursive_directory_iterator(d))
      if (e.is_regular_file() && e.path().extension() == ".rig") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// SplitMix64: deterministic on every platform, unlike <random>'s distributions.
class Rng {
public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n ? next() % n : 0; }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T, size_t N> const T &pick(const T (&a)[N]) { return a[below(N)]; }

private:
  uint64_t s_;
};

// Generates programs from grammar/Rig.g4, every construct reachable, with
// random spacing, comments, line continuations and newlines where allowed.
class Generator {
public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  std::string program() {
    toks_.clear();
    seps(0, 2);
    int n = 1 + (int)rng_.below(5);
    for (int i = 0; i < n; ++i) {
      if (i) seps(1, 2);
      item(3);
    }
    seps(0, 2);
    return join();
  }

private:
  // ---- tokens and spacing
  void t(std::string s) { toks_.push_back(std::move(s)); }
  void nl() {
    static const char *forms[] = {"\n", "\n", "\r\n", "\n\n", "\n  \n", " # note\n", " // note é\n"};
    t(std::string("\x01") + rng_.pick(forms)); // \x01 marks a token written as is
  }
  void optNl() {
    if (rng_.chance(20)) nl();
  }
  void seps(int min, int extra) {
    int n = min + (int)rng_.below(extra + 1);
    for (int i = 0; i < n; ++i) {
      switch (rng_.below(4)) {
      case 0: t(";"); break;
      case 1: t(","); break;
      default: nl();
      }
    }
  }
  static bool glues(const std::string &s) { return s.size() == 1 && std::strchr("{}()[],;", s[0]); }
  std::string join() {
    std::string out;
    for (size_t i = 0; i < toks_.size(); ++i) {
      const std::string &s = toks_[i];
      bool raw = !s.empty() && s[0] == '\x01';
      if (i > 0) {
        bool prevRaw = !toks_[i - 1].empty() && toks_[i - 1][0] == '\x01';
        bool canTouch = raw || prevRaw || glues(s) || glues(toks_[i - 1]);
        switch (rng_.below(20)) {
        case 0: out += "\t"; break;
        case 1: out += " /* c */ "; break;
        case 2: out += " \\\n  "; break;
        case 3: out += "  "; break;
        case 4: case 5: case 6: case 7: case 8:
          if (canTouch) break;
          out += " ";
          break;
        default: out += " ";
        }
      }
      out += raw ? s.substr(1) : s;
    }
    return out;
  }

  // ---- lexical pieces
  std::string name() {
    static const char *names[] = {"a", "b", "web", "x1", "_", "i", "in_", "iff", "notx", "orange", "android",
                                  "afterward", "null_", "true1", "elsewhere", "exits", "Condition", "image",
                                  "replicas", "sidecar", "container", "c_2"};
    return rng_.pick(names);
  }
  std::string number() {
    static const char *nums[] = {"0", "8080", "500m", "512Mi", "1.5", "1.5Gi", "1.5.3Gi", "30s", "900GB/s",
                                 "7", "10", "2_x", "1e"};
    return rng_.pick(nums);
  }
  std::string stringText(bool allowInterp, int depth) {
    if (plainStrings_) {
      static const char *plain[] = {"abc", " ", "x:1", "\\n", "é"};
      std::string s;
      for (int i = (int)rng_.below(3); i > 0; --i) s += rng_.pick(plain);
      return s;
    }
    static const char *bits[] = {"abc", " ", "nginx:1.27", "\\n", "\\t", "\\\"", "\\\\", "\\$", "\\u{1F600}",
                                 "\\u{41}", "é", "日本", "😀", "$ ", "{", "}", "/*x*/", "#", "//", "'"};
    std::string s;
    int n = (int)rng_.below(4);
    for (int i = 0; i < n; ++i) {
      if (allowInterp && depth > 0 && rng_.chance(25)) {
        s += "${";
        s += rng_.chance(20) ? " " : "";
        s += inlineExpr(depth - 1);
        s += rng_.chance(20) ? " " : "";
        s += "}";
      } else {
        s += rng_.pick(bits);
      }
    }
    return s;
  }
  std::string stringLit(int depth) { return "\"" + stringText(true, depth) + "\""; }
  std::string textBlock(int depth) {
    std::string s = "\"\"\"";
    if (rng_.chance(70)) s += "\n";
    int lines = (int)rng_.below(4);
    std::string indent = rng_.chance(50) ? "    " : "  ";
    for (int i = 0; i < lines; ++i) {
      s += indent + (rng_.chance(30) ? "  " : "");
      s += stringText(false, 0);
      if (rng_.chance(30)) s += "${" + inlineExpr(depth, /*strings=*/true) + "}";
      if (rng_.chance(20)) s += " \"q\" ";
      s += "\n";
    }
    s += indent + "\"\"\"";
    return s;
  }
  // An expression written on one line without string literals (or with
  // plain ones, inside text blocks), for interpolations.
  std::string inlineExpr(int depth, bool strings = false) {
    Generator sub(rng_.next());
    sub.noNewlines_ = true;
    sub.noStrings_ = !strings;
    sub.plainStrings_ = true; // a brace in a nested string would end the interpolation
    sub.expr(std::min(depth, 2));
    std::string out;
    for (size_t i = 0; i < sub.toks_.size(); ++i) {
      if (i) out += " ";
      out += sub.toks_[i][0] == '\x01' ? sub.toks_[i].substr(1) : sub.toks_[i];
    }
    return out;
  }

  // ---- grammar
  void item(int depth) {
    switch (rng_.below(depth > 0 ? 12 : 6)) {
    case 0: importDecl(); break;
    case 1: letDecl(); break;
    case 2: failureRule(); break;
    case 3: case 4: attribute(depth); break;
    case 5: declaration(0); break;
    case 6: templateDecl(depth); break;
    case 7: forItem(depth); break;
    case 8: ifItem(depth); break;
    default: declaration(depth); break;
    }
  }
  void body(int depth) {
    t("{");
    seps(0, 1);
    int n = depth > 0 ? (int)rng_.below(4) : 0;
    for (int i = 0; i < n; ++i) {
      if (i) seps(1, 1);
      item(depth - 1);
    }
    seps(0, 1);
    t("}");
  }
  void importDecl() {
    t("import");
    t("\"" + stringText(false, 0) + "\"");
    if (rng_.chance(50)) {
      t("as");
      t(name());
    }
  }
  void typeRef(int depth) {
    t(name());
    if (depth > 0 && rng_.chance(30)) {
      t("[");
      typeRef(depth - 1);
      t("]");
    }
  }
  void letDecl() {
    t("let");
    t(name());
    if (rng_.chance(40)) {
      t(":");
      typeRef(2);
    }
    t("=");
    expr(3);
  }
  void templateDecl(int depth) {
    t("template");
    t(name());
    t("(");
    optNl();
    int n = (int)rng_.below(4);
    for (int i = 0; i < n; ++i) {
      if (i) {
        optNl();
        t(",");
        optNl();
      }
      t(name());
      t(":");
      typeRef(2);
      if (rng_.chance(40)) {
        t("=");
        expr(2);
      }
    }
    if (n && rng_.chance(30)) {
      optNl();
      t(",");
    }
    optNl();
    t(")");
    if (rng_.chance(40)) {
      t(":");
      t(name());
    }
    body(depth - 1);
  }
  void forItem(int depth) {
    t("for");
    t(name());
    if (rng_.chance(40)) {
      t(",");
      t(name());
    }
    t("in");
    expr(2);
    body(depth - 1);
  }
  void ifItem(int depth) {
    t("if");
    expr(2);
    body(depth - 1);
    if (rng_.chance(50)) {
      t("else");
      if (rng_.chance(50)) ifItem(depth - 1 > 0 ? depth - 1 : 0);
      else body(depth - 1);
    }
  }
  void failureRule() {
    t("on");
    if (rng_.chance(60)) {
      t("exit");
      if (rng_.chance(40)) t("not");
      if (rng_.chance(60)) t("in");
      int n = 1 + (int)rng_.below(3);
      for (int i = 0; i < n; ++i) {
        if (i) t(",");
        t(rng_.chance(50) ? "1" : "137");
        if (rng_.chance(40)) {
          t("..");
          t("10");
        }
      }
      if (rng_.chance(40)) {
        t("in");
        t(name());
      }
    } else {
      t("condition");
      t(name());
      while (rng_.chance(40)) {
        t(",");
        t(name());
      }
    }
    t("=>");
    t(name());
  }
  void attribute(int depth) {
    if (rng_.chance(20)) {
      t("\"" + stringText(false, 0) + "\"");
    } else {
      t(name());
      while (rng_.chance(25)) {
        t(".");
        t(name());
      }
    }
    t("=");
    expr(depth);
  }
  void word(int depth) {
    switch (rng_.below(6)) {
    case 0: t(stringLit(0)); break;
    case 1: t(number()); break;
    case 2:
      t("-");
      t(number());
      break;
    default:
      t(name());
      while (rng_.chance(20)) {
        t(".");
        t(name());
      }
      if (rng_.chance(15)) {
        t("[");
        expr(std::min(depth, 2));
        t("]");
      }
    }
  }
  void declaration(int depth) {
    t(name());
    int shape = (int)rng_.below(depth > 0 ? 3 : 2);
    if (shape == 0) {
      int groups = 1 + (int)rng_.below(3);
      for (int g = 0; g < groups; ++g) {
        if (g) t(",");
        int words = 1 + (int)rng_.below(3);
        for (int w = 0; w < words; ++w) word(depth);
      }
    }
    if (shape == 1 || (shape == 0 && rng_.chance(25))) {
      t("after");
      t(name());
      while (rng_.chance(40)) {
        t(",");
        t(name());
      }
    }
    if (shape != 2 && rng_.chance(40)) {
      t("=");
      expr(depth);
    }
    if (shape == 2 || (depth > 0 && rng_.chance(50))) body(depth - 1 > 0 ? depth - 1 : 0);
  }
  void nlIfAllowed() {
    if (!noNewlines_) optNl();
  }
  void primary(int depth) {
    switch (rng_.below(depth > 0 ? 11 : 7)) {
    case 0: t(number()); break;
    case 1:
      if (noStrings_) t(name());
      else t(stringLit(depth));
      break;
    case 2: t(rng_.chance(50) ? "true" : "false"); break;
    case 3: t("null"); break;
    case 4: case 5: t(name()); break;
    case 6:
      if (noStrings_ || !rng_.chance(30)) t(name());
      else t(noNewlines_ ? stringLit(0) : textBlock(depth));
      break;
    case 7: {
      t("[");
      nlIfAllowed();
      int n = (int)rng_.below(4);
      for (int i = 0; i < n; ++i) {
        if (i) {
          nlIfAllowed();
          t(",");
          nlIfAllowed();
        }
        expr(depth - 1);
      }
      if (n && rng_.chance(30)) t(",");
      nlIfAllowed();
      t("]");
      break;
    }
    case 8: {
      t("{");
      nlIfAllowed();
      int n = (int)rng_.below(4);
      for (int i = 0; i < n; ++i) {
        if (i) {
          int s = 1 + (int)rng_.below(2);
          for (int k = 0; k < s; ++k) {
            if (noNewlines_ || rng_.chance(60)) t(",");
            else nl();
          }
        }
        t(noStrings_ || rng_.chance(70) ? name() : stringLit(0));
        t(rng_.chance(50) ? ":" : "=");
        nlIfAllowed();
        expr(depth - 1);
      }
      if (n && rng_.chance(30)) t(",");
      nlIfAllowed();
      t("}");
      break;
    }
    default:
      t("(");
      nlIfAllowed();
      expr(depth - 1);
      nlIfAllowed();
      t(")");
    }
  }
  void expr(int depth) {
    if (depth <= 0) {
      primary(0);
      return;
    }
    switch (rng_.below(14)) {
    case 0: case 1: case 2: primary(depth); break;
    case 3:
      expr(depth - 1);
      t(".");
      t(name());
      break;
    case 4: {
      expr(depth - 1);
      t("(");
      nlIfAllowed();
      int n = (int)rng_.below(4);
      for (int i = 0; i < n; ++i) {
        if (i) {
          nlIfAllowed();
          t(",");
          nlIfAllowed();
        }
        if (rng_.chance(40)) {
          t(name());
          t(":");
        }
        expr(depth - 1);
      }
      if (n && rng_.chance(30)) t(",");
      nlIfAllowed();
      t(")");
      break;
    }
    case 5:
      expr(depth - 1);
      t("[");
      nlIfAllowed();
      expr(depth - 1);
      nlIfAllowed();
      t("]");
      break;
    case 6: {
      static const char *ops[] = {"-", "!", "not"};
      t(rng_.pick(ops));
      expr(depth - 1);
      break;
    }
    case 7: case 8: case 9: case 10: {
      static const char *ops[] = {"*", "/", "%", "+", "-", "..", "==", "!=", "<", "<=", ">", ">=", "&&", "and",
                                  "||", "or"};
      expr(depth - 1);
      t(rng_.pick(ops));
      expr(depth - 1);
      break;
    }
    default:
      expr(depth - 1);
      t("?");
      expr(depth - 1);
      t(":");
      expr(depth - 1);
    }
  }

  Rng rng_;
  std::vector<std::string> toks_;
  bool noNewlines_ = false;
  bool noStrings_ = false;
  bool plainStrings_ = false;
};

// Deterministic damage: token deletions, duplications, swaps and
// replacements, and byte flips.
class Mutator {
public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  std::string mutate(const std::string &text) {
    std::vector<std::string> toks = split(text);
    if (toks.empty()) toks.push_back("");
    int edits = 1 + (int)rng_.below(3);
    for (int e = 0; e < edits; ++e) {
      size_t i = rng_.below(toks.size());
      switch (rng_.below(6)) {
      case 0: toks.erase(toks.begin() + i); break;
      case 1: toks.insert(toks.begin() + i, toks[i]); break;
      case 2: {
        size_t j = std::min(toks.size() - 1, i + 1 + rng_.below(3));
        std::swap(toks[i], toks[j]);
        break;
      }
      case 3: {
        static const char *pool[] = {"{", "}", "(", ")", "[", "]", ",", "\n", "=", ":", " after ", "-", "..", "\"",
                                     "${", "#", "/*", "*/", "\\", " not ", "?", ";", "\"\"\"", " in ", ".", "1",
                                     " x ", "\r", "=>", "&&"};
        toks[i] = rng_.pick(pool);
        break;
      }
      default: {
        std::string joined;
        for (const std::string &s : toks) joined += s;
        if (joined.empty()) break;
        static const unsigned char bytes[] = {0x00, 0x01, '\r', '\n', '\t', 0x7F, 0x80, 0xC3, 0xE0, 0xED,
                                              0xF4, 0xFF, '"',  '$',  '{',  '}',  '\\', 'a',  '1',  '.',
                                              '-',  ',',  ' ',  '/',  '*'};
        joined[rng_.below(joined.size())] = (char)rng_.pick(bytes);
        toks = split(joined);
        if (toks.empty()) toks.push_back("");
      }
      }
      if (toks.empty()) toks.push_back("");
    }
    std::string out;
    for (const std::string &s : toks) out += s;
    return out;
  }

private:
  // Rough tokens: words, strings, whitespace runs, single characters.
  static std::vector<std::string> split(const std::string &s) {
    std::vector<std::string> out;
    size_t i = 0;
    auto word = [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c >= 0x80; };
    while (i < s.size()) {
      size_t j = i + 1;
      unsigned char c = s[i];
      if (word(c)) {
        while (j < s.size() && word(s[j])) ++j;
      } else if (c == ' ' || c == '\t') {
        while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
      } else if (c == '"') {
        while (j < s.size() && s[j] != '"' && s[j] != '\n') j += s[j] == '\\' ? 2 : 1;
        j = std::min(s.size(), j + 1);
      }
      out.push_back(s.substr(i, j - i));
      i = j;
    }
    return out;
  }
  Rng rng_;
};

// Hand-written corners: ambiguities ANTLR resolves by lookahead, lexer
// longest-match cases, strings and interpolations, and lexical errors.
const char *const kCorners[] = {
    "",
    "\n\n;;,,\n",
    "a b",
    "a b, c d",
    "a b, c = 1",
    "a b,\nc d",
    "a b, -1",
    "a b, \"s\" = 1",
    "a b, c.d = 1",
    "a b, c after d = 1 { }",
    "a after b, c d",
    "a after b, c = 1",
    "a after b, c {}",
    "a after b, c.d = 1",
    "a after b, c after d",
    "a after b, c, d e",
    "a after b, c, d = 1",
    "a after b, c\n",
    "a after b, c",
    "a after b, c -1",
    "a after b, c \"s\"",
    "a after b, c 5",
    "a after b, c [1]",
    "pod p { a after b, c }",
    "pod p { a after b, c; d = 1 }",
    "a x after b, c, d = 2 { y = 1 }",
    "a after b = 1",
    "a b = 1 {}",
    "a b = {x: 1} {y = 2}",
    "a {}",
    "a = {}",
    "a {} b {}",
    "a {};b {}",
    "a -1 -2",
    "a - 1",
    "a b c { d e { f = 1 } }",
    "a b[1..4] c",
    "a b.c.d[x] = 1",
    "a b[\n1]",
    "a.b.c = 1",
    "a = b c",
    "x = 1..10",
    "x = 1...10",
    "x = 1.5.3Gi",
    "x = 1.e",
    "x = 1./s",
    "x = 5m3",
    "x = 1/s",
    "x = 2/b2",
    "x = a/b",
    "x = 1 / b",
    "x = 900GB/s",
    "x = a..b..c",
    "x = -a.b(c)[d]",
    "x = - - a * b",
    "x = !a == b",
    "x = not a and b or c",
    "x = a || b && c || d",
    "x = a ? b : c ? d : e",
    "x = a ? b ? c : d : e",
    "x = a ? b : c || d",
    "x = a == b != c < d <= e > f >= g",
    "x = a + b - c * d / e % f",
    "x = a + b .. c + d",
    "x = (a)",
    "x = (a).b",
    "x = ((a + b)) * c",
    "x = -(a)",
    "x = (\na\n)",
    "x = f(\n a: 1,\n b\n ,\n)",
    "x = f(a: 1)(b)[c].d",
    "x = f(a ? b : c)",
    "x = f()",
    "x = f(\n)",
    "x = f(,)",
    "x = [\n]",
    "x = [1,\n2,]",
    "x = [1,,2]",
    "x = {a: 1,, b = 2\n, \"c\": 3,}",
    "x = {,}",
    "x = {\n}",
    "x = {a:\n1}",
    "x = {a: 1 b: 2}",
    "x = a[\n1\n]",
    "x = a\n[1]",
    "x = a\n.b",
    "x = a +\nb",
    "x = true && false || null",
    "let x: list[map[string]] = 1",
    "let x = 1",
    "let x: int",
    "template t() {}",
    "template t(\n) {}",
    "template t(a: int, b: list[string] = [1],\n) : pod { x = 1 }",
    "template t(a: int b: int) {}",
    "for a, b in c {}",
    "for a in {} {}",
    "for a in b {}\nfor c in d { e f }",
    "if a {} else if b {} else {}",
    "if a {}\nelse {}",
    "if {} {}",
    "on exit 1 => a",
    "on exit not 1 => a",
    "on exit not in 0, 1..10 in c => x",
    "on exit in 1, 2 => x",
    "on condition A, B => c",
    "on condition A => c d",
    "import \"x\"",
    "import \"x\" as y",
    "import \"a\\tb\"",
    "import \"a\\qb\"",
    "import \"\"\"x\"\"\"",
    "\"key\" = 1",
    "\"k\\q\" = 1",
    "\"k\" x",
    "x = \"${}\"",
    "x = \"${ }\"",
    "x = \"${a}\"",
    "x = \"${a} and ${b.c(d)}!\"",
    "x = \"${a /* c */}\"",
    "x = \"${a # c}\"",
    "x = \"${a b}\"",
    "x = \"${a\"",
    "x = \"${{a: 1}.a}\"",
    "x = \"${\"\"}\"",
    "x = \"\\${a}\"",
    "x = \"\\\\${a}\"",
    "x = \"$\"",
    "x = \"${\"",
    "x = \"\\u{1F600}\\u{41}\"",
    "x = \"\\u{D800}\"",
    "x = \"\\u{110000}\"",
    "x = \"\\u{}\"",
    "x = \"\\u41\"",
    "x = \"a\\\"b\"",
    "x = \"\"\"\n  a ${f(\"x\")}\n  b\n  \"\"\"",
    "x = \"\"\"${a \\\n}\"\"\"",
    "x = \"\"\"${a\n}\"\"\"",
    "x = \"\"\"${\n\n  a.b(c)\r\n}\"\"\"",
    "x = \"\"\"${\n  a +\n  b\n}\"\"\"",
    "x = \"\"\"${\n}\"\"\"",
    "x = \"\"\"${# c\n a}\"\"\"",
    "x = \"${)}\"",
    "x = \"${a +}\"",
    "x = \"${f(}\"",
    "x = \"${-}\"",
    "x = \"\"\"\n    line one\n      indented\n    \"\"\"",
    "x = \"\"\"one line\"\"\"",
    "x = \"\"\"\"\"\"",
    "x = \"\"\"a\"\"\"\"",
    "x = \"\"\"a\\\"\"\"",
    "x = \"\"\"\n\t\ttabbed ${x}\n\t\t\"\"\"",
    "a \"\"\"b\"",
    "a \"\"\"b\" \"\"\"",
    "x = \"unterminated\n",
    "x = \"a\\\n\"",
    "/* c */ a b // d\n# e\n",
    "/**/a b/***/",
    "/* a */ /* b */\n// c\n#d",
    "a b /* unterminated",
    "a b /* x */ */",
    "a = 1 \\\n + 2",
    "a = 1 \\\r\n + 2",
    "a = 1 \\ \n + 2",
    "a = 1\r\nb = 2\r\n",
    "a = 1\rb = 2",
    "a = 1\f",
    "a = 1 & 2",
    "a = 1 | 2",
    "a = $x",
    "x = é",
    "# é 日本\nx = \"😀\"",
    "x = \"\xed\xa0\x80\"",
    "x = \"\xe0\x80\x80\"",
    "x = \"\xf4\x90\x80\x80\"",
    "x = \"\xc0\xaf\"",
    "x = \"\xe2\x82\"",
    "# \xff\n",
    "\xEF\xBB\xBF" "a = 1",
    "x = \"a\x01\"",
    "x = 1\x7f",
    "x = \"\x7f\"",
    "in = 1",
    "a in",
    "a b after",
    "as b",
    "a b,",
    "a b c,\nd e,",
};

} // namespace

TEST(FastParser, MatchesAntlrOnCornerCases) {
  for (const char *text : kCorners) EXPECT_ENGINES_AGREE(std::string(text), "corner case");
  // Inputs with a NUL byte, which a C string cannot hold.
  EXPECT_ENGINES_AGREE(std::string("a = \"\0\"", 7), "NUL in a string");
  EXPECT_ENGINES_AGREE(std::string("# \0\n", 4), "NUL in a comment");
}

TEST(FastParser, AcceptsEveryExample) {
  std::vector<std::filesystem::path> files = repoFiles();
  ASSERT_FALSE(files.empty());
  size_t examples = 0;
  for (const auto &path : files) {
    std::string text = readFile(path);
    SourceManager sm;
    FileId f = sm.addFile(path.string(), text);
    Diagnostics antlrDiags;
    ParseOptions antlr;
    antlr.engine = ParseOptions::Engine::Antlr;
    (void)parse(sm, f, antlrDiags, antlr);
    bool isExample = path.string().find("/examples/") != std::string::npos;
    if (isExample) {
      ++examples;
      EXPECT_TRUE(antlrDiags.all().empty()) << path;
    }
    if (!antlrDiags.all().empty()) continue;
    // The fast path, not the fallback, parses every valid file in the repository.
    EXPECT_TRUE(fastParse(sm, f).has_value()) << path;
    Diagnostics fastDiags;
    ParseOptions fast;
    fast.engine = ParseOptions::Engine::Fast;
    (void)parse(sm, f, fastDiags, fast);
    EXPECT_TRUE(fastDiags.all().empty()) << path;
  }
  EXPECT_GE(examples, 5u);
}

TEST(FastParser, MatchesAntlrOnRepositoryFiles) {
  for (const auto &path : repoFiles()) EXPECT_ENGINES_AGREE(readFile(path), path.string());
}

TEST(FastParser, MatchesAntlrOnGeneratedPrograms) {
  const int count = kSanitized ? 500 : 2000;
  // Constructs the accepted programs must contain between them, as they
  // appear in the full dump.
  const char *const constructs[] = {
      "Import ", " as '", "Let ", "Type ", "Template ", "Param ", "For ", ", '", "If ", "FailureRule exit",
      "not-in", " container '", "FailureRule condition", "Attribute ", " quoted ", "Declaration ", "Word Name",
      "Word String", "Word Number \"-", "After ", "Number ", "String ", "Interp@", "Text ", "Bool true",
      "Bool false", "Null@", "Name ", "List@", "Map@", "Key ", "Member ", "Call@", "Arg '", "Index@",
      "Unary -", "Unary !", "Binary *", "Binary /", "Binary %", "Binary +", "Binary -", "Binary ==",
      "Binary !=", "Binary <", "Binary <=", "Binary >", "Binary >=", "Binary &&", "Binary ||", "Range@",
      "Conditional@", "comment@"};
  std::vector<bool> seen(std::size(constructs));
  int clean = 0;
  for (int i = 0; i < count; ++i) {
    std::string text = Generator(1000 + i).program();
    Verdict v = compareEngines(text);
    EXPECT_TRUE(v.problem.empty()) << "generated program " << i << "\n--- input\n" << printable(text) << "\n" << v.problem;
    clean += v.antlrClean;
    if (!v.fastAccepted) continue;
    SourceManager sm;
    std::string dump = deepDump(*fastParse(sm, sm.addFile("t.rig", text)));
    for (size_t k = 0; k < std::size(constructs); ++k)
      if (!seen[k] && dump.find(constructs[k]) != std::string::npos) seen[k] = true;
  }
  for (size_t k = 0; k < std::size(constructs); ++k) EXPECT_TRUE(seen[k]) << "never generated: " << constructs[k];
  // The generator writes valid programs (the few rejects are its random
  // glue, e.g. a keyword where a name goes): most must be accepted, or the
  // test would check very little.
  EXPECT_GE(clean, count * 9 / 10);
}

TEST(FastParser, MatchesAntlrOnLargeFiles) {
  // Thousands of tokens: the lexer's buffer refills many times, at every
  // kind of token, and item lists grow long.
  std::string programs;
  for (int i = 0; i < (kSanitized ? 60 : 250); ++i) {
    std::string text = Generator(9000 + i).program();
    if (compareEngines(text).antlrClean) programs += text + "\n";
  }
  Verdict v = compareEngines(programs);
  EXPECT_TRUE(v.antlrClean);
  EXPECT_TRUE(v.problem.empty()) << v.problem.substr(0, 20000);

  std::string workloads;
  for (int i = 0; i < 300; ++i) {
    std::string n = std::to_string(i);
    workloads += "deployment app_" + n + " {\n  replicas = " + n + "\n  sidecar log_shipper {\n" +
                 "    image = \"fluent/fluent-bit:3.0\"\n    requests { cpu = 50m, memory = 64Mi }\n" +
                 "    limits { cpu = 100m, memory = 128Mi }\n  }\n  container app {\n" +
                 "    image = \"nginx:1.${" + n + "}\"\n    port = 8080 # http\n" +
                 "    apparmor = localhost(\"k8s-nginx-strict\")\n  }\n}\n";
  }
  v = compareEngines(workloads);
  EXPECT_TRUE(v.antlrClean);
  EXPECT_TRUE(v.problem.empty()) << v.problem.substr(0, 20000);
}

TEST(FastParser, ParsesLargeFilesInPartsExactlyAsInOne) {
  // Every construct of the generator at the top level (templates, `if …
  // else`, lets over several lines, comments, strings with braces), cut
  // into many parts: the tree must be the one a single pass builds.
  std::string text;
  for (int i = 0; i < (kSanitized ? 150 : 600); ++i) {
    std::string program = Generator(20000 + i).program();
    if (compareEngines(program).antlrClean) text += program + "\n";
  }
  SourceManager sm;
  FileId f = sm.addFile("t.rig", text);
  std::optional<ast::File> whole = onePass(sm, f);
  ASSERT_TRUE(whole.has_value());
  for (bool inText : {false, true}) {
    for (unsigned threads : {2u, 3u, 8u}) {
      size_t parts = 0;
      FastParseOptions split;
      split.threads = threads;
      // Cut the tokens after one lex, or cut the text and lex each part.
      split.tokensPerThread = inText ? SIZE_MAX : 100;
      split.bytesPerThread = inText ? 1 : SIZE_MAX;
      split.partsUsed = &parts;
      std::optional<ast::File> cut = fastParse(sm, f, split);
      ASSERT_TRUE(cut.has_value()) << threads << " threads";
      // The generator's programs put lines that are only `}` inside
      // expressions too, where the text cannot be cut: the text parts may
      // decline and the token parts take over. Formatted files (below) do
      // split in the text.
      if (!inText) {
        EXPECT_EQ(parts, threads);
      }
      EXPECT_EQ(deepDump(*cut), deepDump(*whole)) << threads << " threads, in text " << inText;
      ASSERT_EQ(cut->comments.size(), whole->comments.size());
      for (size_t i = 0; i < cut->comments.size(); ++i) {
        EXPECT_EQ(cut->comments[i].text, whole->comments[i].text);
        EXPECT_EQ(cut->comments[i].range.begin, whole->comments[i].range.begin);
      }
    }
  }
  // Formatted items, as `rig fmt` writes them, split in the text.
  std::string formatted;
  for (int i = 0; i < 200; ++i)
    formatted += "deployment app_" + std::to_string(i) + " {\n  replicas = 2\n  container app {\n    image = \"nginx:1.27\"\n" +
                 "    requests { cpu = 50m, memory = 64Mi }\n  }\n}\n" + (i % 7 == 0 ? "// between items\n" : "") +
                 (i % 11 == 0 ? "if true {\n  pod p_" + std::to_string(i) + " { container c { image = \"x:1\" } }\n} else {\n}\n" : "");
  FileId g = sm.addFile("formatted.rig", formatted);
  std::optional<ast::File> formattedWhole = onePass(sm, g);
  ASSERT_TRUE(formattedWhole.has_value());
  // Parts of about bytesPerThread each (every item its own part at 1 byte;
  // about three per thread at a third of a thread's share), each thread
  // taking the next one whenever it is free.
  for (unsigned threads : {2u, 3u, 8u}) {
    for (size_t bytesPerPart : {size_t(1), formatted.size() / (3 * threads)}) {
      size_t parts = 0;
      FastParseOptions split;
      split.threads = threads;
      split.tokensPerThread = SIZE_MAX;
      split.bytesPerThread = bytesPerPart;
      split.partsUsed = &parts;
      std::optional<ast::File> cut = fastParse(sm, g, split);
      ASSERT_TRUE(cut.has_value()) << threads << " threads";
      if (bytesPerPart == 1) {
        EXPECT_GT(parts, 150u) << threads << " threads";
      } else {
        EXPECT_GE(parts, 2u * threads) << threads << " threads";
        EXPECT_LE(parts, 3u * threads) << threads << " threads";
      }
      EXPECT_EQ(deepDump(*cut), deepDump(*formattedWhole)) << threads << " threads, " << bytesPerPart << " bytes a part";
      EXPECT_EQ(cut->comments.size(), formattedWhole->comments.size());
    }
  }
  // A syntax error in any part declines the whole file, as one pass does.
  std::string broken = text + "deployment x {\n  replicas = \n}\n";
  FileId b = sm.addFile("b.rig", broken);
  FastParseOptions split;
  split.threads = 4;
  split.tokensPerThread = 100;
  EXPECT_FALSE(fastParse(sm, b, split).has_value());
  EXPECT_FALSE(onePass(sm, b).has_value());
}

// Records what an item sink is told, and holds the first thread to begin
// a part in that part until the other threads have parsed every other
// part: the parts go to whichever thread is free, not in fixed runs, so one
// slow thread cannot hold up the rest.
class HoldingSink : public ast::ItemSink {
public:
  bool acceptsText(llvm::StringRef) const override { return true; }
  void beginFile(FileId, size_t parts, size_t, size_t) override {
    parts_ = parts;
    partThread.assign(parts, SIZE_MAX);
    names.assign(parts, {});
  }
  void beginPart(size_t thread, size_t part) override {
    std::unique_lock<std::mutex> lock(mutex_);
    EXPECT_EQ(partThread[part], SIZE_MAX) << "part " << part << " begun twice";
    partThread[part] = thread;
    current_[thread] = part;
    if (!held_) {
      held_ = true;
      heldThread = thread;
      // Generous: a fixed assignment of parts never gets here and fails.
      heldUntilOthersDone = ended_.wait_for(lock, std::chrono::seconds(20), [&] { return endedCount_ == parts_ - 1; });
    }
  }
  void item(size_t thread, size_t part, ast::Item &it) override {
    std::lock_guard<std::mutex> lock(mutex_);
    EXPECT_EQ(current_[thread], part) << "an item of part " << part << " outside it, on thread " << thread;
    if (auto *d = llvm::dyn_cast<ast::Declaration>(&it)) names[part].push_back(d->nameWord() ? d->nameWord()->text : "");
  }
  void endPart(size_t thread, size_t part) override {
    std::lock_guard<std::mutex> lock(mutex_);
    EXPECT_EQ(current_[thread], part);
    current_[thread] = SIZE_MAX;
    ++endedCount_;
    ended_.notify_all();
  }
  void endFile(FileId, bool kept) override { keptFile = kept; }

  std::vector<size_t> partThread;             // which thread parsed each part
  std::vector<std::vector<std::string>> names; // each part's declarations, in order
  bool heldUntilOthersDone = false, keptFile = false;
  size_t heldThread = SIZE_MAX;

private:
  std::mutex mutex_;
  std::condition_variable ended_;
  size_t parts_ = 0, endedCount_ = 0;
  bool held_ = false;
  std::map<size_t, size_t> current_; // thread -> part being parsed
};

TEST(FastParser, PartsGoToWhicheverThreadIsFree) {
  std::string text = smallDeployments(400);
  SourceManager sm;
  FileId f = sm.addFile("t.rig", text);
  std::optional<ast::File> whole = onePass(sm, f);
  ASSERT_TRUE(whole.has_value());
  for (unsigned threads : {2u, 3u}) {
    HoldingSink sink;
    std::optional<ast::File> cut = fastParse(sm, f, partsFor(threads, text.size() / 20, sink));
    ASSERT_TRUE(cut.has_value());
    EXPECT_TRUE(sink.keptFile);
    EXPECT_EQ(deepDump(*cut), deepDump(*whole)) << threads << " threads";
    ASSERT_GE(sink.partThread.size(), 19u);
    EXPECT_TRUE(sink.heldUntilOthersDone) << "a thread was held, and the others did not take the other parts";
    ASSERT_LT(sink.heldThread, threads);
    EXPECT_EQ(std::count(sink.partThread.begin(), sink.partThread.end(), sink.heldThread), 1) << threads << " threads";
    EXPECT_EQ(std::count(sink.partThread.begin(), sink.partThread.end(), SIZE_MAX), 0) << "a part was never begun";
    // Every declaration came once, in its part, in file order.
    std::vector<std::string> all;
    for (const auto &part : sink.names) all.insert(all.end(), part.begin(), part.end());
    ASSERT_EQ(all.size(), 400u);
    for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], "app_" + std::to_string(i));
  }
}

// Declines the part whose text has a `let`, but only once another part's
// items have been handed over (it waits for that), and takes the body of
// every declaration handed over, as the early check does: a decline after
// the hand-over must still give the whole file, each body in place.
class LateDecliningSink : public ast::ItemSink {
public:
  bool acceptsText(llvm::StringRef text) const override {
    if (!text.contains("let ")) return true;
    std::unique_lock<std::mutex> lock(mutex_);
    askedAfterHandOver = handedOver_.wait_for(lock, std::chrono::seconds(20), [&] { return itemsTaken > 0; });
    return false;
  }
  void beginFile(FileId, size_t, size_t, size_t) override {}
  void beginPart(size_t, size_t) override {}
  void item(size_t, size_t, ast::Item &it) override {
    if (auto *d = llvm::dyn_cast<ast::Declaration>(&it)) d->body.reset();
    std::lock_guard<std::mutex> lock(mutex_);
    ++itemsTaken;
    handedOver_.notify_all();
  }
  void endPart(size_t, size_t) override {}
  void endFile(FileId, bool kept) override { keptFile = kept; }

  mutable bool askedAfterHandOver = false;
  size_t itemsTaken = 0;
  bool keptFile = true;

private:
  mutable std::mutex mutex_;
  mutable std::condition_variable handedOver_;
};

TEST(FastParser, APartDeclinedAfterOthersWereHandedOverGivesTheWholeFile) {
  std::string text = smallDeployments(400) + "let late = 1\n";
  SourceManager sm;
  FileId f = sm.addFile("t.rig", text);
  std::optional<ast::File> whole = onePass(sm, f);
  ASSERT_TRUE(whole.has_value());
  for (unsigned threads : {2u, 3u}) {
    LateDecliningSink sink;
    std::optional<ast::File> cut = fastParse(sm, f, partsFor(threads, text.size() / 10, sink));
    ASSERT_TRUE(cut.has_value());
    EXPECT_TRUE(sink.askedAfterHandOver) << "no part was handed over before the decline: the case tests nothing";
    EXPECT_GT(sink.itemsTaken, 0u);
    EXPECT_FALSE(sink.keptFile);
    EXPECT_EQ(deepDump(*cut), deepDump(*whole)) << threads << " threads";
  }
}

// Takes every part's text and the body of every declaration handed over,
// as the early check does.
class BodyTakingSink : public ast::ItemSink {
public:
  bool acceptsText(llvm::StringRef) const override { return true; }
  void beginFile(FileId, size_t, size_t, size_t) override {}
  void beginPart(size_t, size_t) override {}
  void item(size_t, size_t, ast::Item &it) override {
    if (auto *d = llvm::dyn_cast<ast::Declaration>(&it)) d->body.reset();
  }
  void endPart(size_t, size_t) override {}
  void endFile(FileId, bool) override {}
};

// A large file with an error is parsed by ANTLR only from the first text
// part that failed (parse.cpp): the diagnostics and the tree must be the
// ones ANTLR gives for the whole file, wherever the error is, and also
// when a sink took the bodies of the parts handed over before.
TEST(FastParser, LargeFilesWithErrorsParseAsAWhole) {
  // Formatted files (the repository's): many places to cut the text, and
  // many places for an error, before and after any cut. About 40 KB: ANTLR
  // reads the whole of it for every case. Files with a cut the text fools
  // (a `}` line in a text block) are left out: past such a cut every case
  // would fall back to the same place.
  FastParseOptions parts;
  parts.threads = 2;
  parts.bytesPerThread = 1;
  parts.bytesPerPart = 2048;
  std::vector<std::string> programs;
  std::string clean;
  for (const auto &path : repoFiles()) {
    // Without blank lines: the text is cut only where a line that is `}`
    // is followed by a name.
    std::string file = readFile(path), text;
    for (llvm::StringRef rest = file; !rest.empty();) {
      auto [line, tail] = rest.split('\n');
      if (!line.trim().empty()) text += line.str() + "\n";
      rest = tail;
    }
    if (text.size() > 4000 || !compareEngines(text).antlrClean) continue;
    SourceManager sm;
    if (!fastParse(sm, sm.addFile("t.rig", clean + text), parts)) continue;
    clean += text;
    programs.push_back(text);
    if (clean.size() > 40000) break;
  }
  ASSERT_GT(programs.size(), 20u);
  Mutator mutator(77);
  std::mt19937 rng(5);
  const int cases = kSanitized ? 20 : 50;
  int broken = 0, fromPrefix = 0;
  for (int c = 0; c < cases; ++c) {
    // One program mutated (and sometimes a second one after it).
    size_t at = rng() % programs.size(), again = c % 3 == 0 ? at + rng() % (programs.size() - at) : SIZE_MAX;
    std::string text;
    for (size_t i = 0; i < programs.size(); ++i) text += i == at || i == again ? mutator.mutate(programs[i]) : programs[i];
    SourceManager sm;
    FileId f = sm.addFile("t.rig", text);
    Diagnostics reference;
    ParseOptions antlr;
    antlr.engine = ParseOptions::Engine::Antlr;
    ast::File expected = parse(sm, f, reference, antlr);
    if (!reference.hasErrors()) continue; // the mutation left a valid file
    ++broken;
    for (bool withSink : {false, true}) {
      ParseOptions split;
      split.fastThreads = 2 + c % 2;
      split.fastBytesPerThread = 1;
      split.fastBytesPerPart = 2048;
      BodyTakingSink sink;
      if (withSink) split.itemSink = &sink;
      Diagnostics got;
      ast::File file = parse(sm, f, got, split);
      ASSERT_EQ(renderJson(sm, got.all()), renderJson(sm, reference.all()))
          << "case " << c << (withSink ? " with a sink" : "") << "\n--- input\n" << printable(text);
      ASSERT_EQ(deepDump(file), deepDump(expected)) << "case " << c << (withSink ? " with a sink" : "");
    }
    // Whether the parts before the error were kept, or the case tested the
    // whole-file path only.
    FastParsePrefix prefix;
    FastParseOptions keep = parts;
    keep.prefix = &prefix;
    if (!fastParse(sm, f, keep) && prefix.end > 0) ++fromPrefix;
  }
  EXPECT_GE(broken, cases / 3);
  EXPECT_GT(fromPrefix, broken / 2) << "most errors are past the first part: the prefix must be used";
}

// Past its first error a file is read with error recovery only
// maxRecoveryBytes further, to an item boundary, and a note says where it
// stopped; when that text has no error, the error is further on and the
// whole file is read.
TEST(FastParser, RecoveryStopsSoFarPastTheFirstError) {
  const std::string body = smallDeployments(400); // about 30 KB
  ParseOptions window;
  window.maxRecoveryBytes = 4096;
  ParseOptions whole;
  whole.engine = ParseOptions::Engine::Antlr;
  struct Result {
    Diagnostics diags;
    ast::File file;
  };
  auto run = [](const SourceManager &sm, FileId f, const ParseOptions &opts) {
    auto r = std::make_unique<Result>();
    r->file = parse(sm, f, r->diags, opts);
    return r;
  };

  // An error at the start and one at the end: the first is reported as
  // when the whole file is read, the second is past the window.
  {
    std::string text = "pod broken { replicas = }\n" + body + "pod late { = }\n";
    SourceManager sm;
    FileId f = sm.addFile("t.rig", text);
    auto got = run(sm, f, window), ref = run(sm, f, whole);
    ASSERT_EQ(ref->diags.errorCount(), 2u);
    ASSERT_EQ(got->diags.all().size(), 2u) << renderJson(sm, got->diags.all());
    EXPECT_EQ(renderJson(sm, {got->diags.all().front()}), renderJson(sm, {ref->diags.all().front()}));
    const Diagnostic &note = got->diags.all().back();
    EXPECT_EQ(note.kind, DiagKind::SyntaxCheckStopped);
    EXPECT_EQ(note.severity, Severity::Note);
    EXPECT_GE(note.range.begin, 4096u);
    EXPECT_LT(note.range.begin, 4096u + 200u);
    EXPECT_EQ(text.substr(note.range.begin - 3, 4), "\n}\nd") << "the window ends between items";
    // The items read are those before the window's end.
    EXPECT_GT(got->file.items.size(), 10u);
    EXPECT_LT(got->file.items.size(), ref->file.items.size() / 4);
  }
  // A block left open: the window's end is not called the end of the file.
  {
    std::string text = "pod open {\n" + body;
    SourceManager sm;
    FileId f = sm.addFile("t.rig", text);
    auto got = run(sm, f, window);
    ASSERT_GE(got->diags.all().size(), 2u);
    EXPECT_NE(got->diags.all().front().message.find("end of the text read"), std::string::npos)
        << got->diags.all().front().message;
    EXPECT_EQ(got->diags.all().back().kind, DiagKind::SyntaxCheckStopped);
  }
  // The only error past the window: the window reads clean, so the whole
  // file is read, exactly as ANTLR reads it, and nothing is noted.
  {
    std::string text = body + "pod late { = }\n";
    SourceManager sm;
    FileId f = sm.addFile("t.rig", text);
    auto got = run(sm, f, window), ref = run(sm, f, whole);
    EXPECT_EQ(renderJson(sm, got->diags.all()), renderJson(sm, ref->diags.all()));
    EXPECT_EQ(deepDump(got->file), deepDump(ref->file));
    EXPECT_EQ(got->diags.errorCount(), 1u);
  }
  // Text with no item to end at (not rig at all) ends the read at a line's end.
  {
    std::string text;
    for (int i = 0; i < 1000; ++i) text += "hello world this is not rig\n";
    SourceManager sm;
    FileId f = sm.addFile("t.rig", text);
    auto got = run(sm, f, window);
    ASSERT_FALSE(got->diags.all().empty());
    const Diagnostic &note = got->diags.all().back();
    EXPECT_EQ(note.kind, DiagKind::SyntaxCheckStopped);
    EXPECT_GE(note.range.begin, 4096u);
    EXPECT_LT(note.range.begin, 4096u + 40u);
    EXPECT_EQ(text[note.range.begin], '\n');
  }
  // Files no larger than the bound are read whole.
  {
    std::string text = "pod broken { replicas = }\n" + body + "pod late { = }\n";
    SourceManager sm;
    FileId f = sm.addFile("t.rig", text);
    auto got = run(sm, f, ParseOptions{}), ref = run(sm, f, whole);
    EXPECT_EQ(renderJson(sm, got->diags.all()), renderJson(sm, ref->diags.all()));
  }
}

// Where the text is cut is a guess (after a line that is only `}`, before
// a name): these files put such lines inside block comments, text blocks
// and nested blocks. Whatever parts are tried, the result must be the one
// pass's, or the file declined exactly when one pass declines it.
TEST(FastParser, TextCutsInsideCommentsStringsAndBlocksChangeNothing) {
  const char *chunks[] = {
      "/* a comment\n}\ndeployment not_code {\n}\n*/\n",
      "let doc = \"\"\"\n  first\n}\nsecond\n  \"\"\"\n",
      "pod p {\n  container c {\n    image = \"a:1\"\n}\nsidecar s {\n    image = \"b:1\"\n  }\n}\n",
      "deployment d {\n  container c { image = \"c:1\" }\n}\n",
      "pod q {\n  container c {\n    image = \"${\"x\"}\"\n  }\n}\n",
      "# comment\n}\n",
  };
  std::mt19937 rng(11);
  for (int round = 0; round < 40; ++round) {
    std::string text;
    for (int i = 0; i < 30; ++i) text += chunks[rng() % std::size(chunks)];
    SourceManager sm;
    FileId f = sm.addFile("t.rig", text);
    std::optional<ast::File> whole = onePass(sm, f);
    for (unsigned threads : {2u, 3u, 5u, 8u}) {
      FastParseOptions split;
      split.threads = threads;
      split.bytesPerThread = 1;
      std::optional<ast::File> cut = fastParse(sm, f, split);
      ASSERT_EQ(cut.has_value(), whole.has_value()) << text;
      if (whole) {
        EXPECT_EQ(deepDump(*cut), deepDump(*whole)) << text;
        EXPECT_EQ(cut->comments.size(), whole->comments.size()) << text;
      }
    }
  }
}

TEST(FastParser, MatchesAntlrOnMutations) {
  std::vector<std::string> seeds;
  for (const auto &path : repoFiles()) {
    std::string text = readFile(path);
    if (text.size() < 20000) seeds.push_back(std::move(text));
  }
  for (const char *text : kCorners) seeds.emplace_back(text);
  for (int i = 0; i < 60; ++i) seeds.push_back(Generator(5000 + i).program());
  const int count = kSanitized ? 2500 : 8000;
  Mutator mutator(42);
  int clean = 0, accepted = 0;
  for (int i = 0; i < count; ++i) {
    std::string text = mutator.mutate(seeds[(size_t)i % seeds.size()]);
    Verdict v = compareEngines(text);
    if (v.refused) continue;
    EXPECT_TRUE(v.problem.empty()) << "mutation " << i << "\n--- input\n" << printable(text) << "\n" << v.problem;
    clean += v.antlrClean;
    accepted += v.fastAccepted;
  }
  // Both outcomes must be well represented.
  EXPECT_GT(clean, count / 10);
  EXPECT_LT(clean, count * 9 / 10);
  EXPECT_EQ(accepted, clean);
}

TEST(FastParser, DeclinesDeepNestingWithoutCrashing) {
  std::string text = "x = " + std::string(100000, '(') + "1" + std::string(100000, ')') + "\n";
  SourceManager sm;
  FileId f = sm.addFile("deep.rig", text);
  EXPECT_FALSE(fastParse(sm, f).has_value());
  std::string nested = "x = " + std::string(200, '(') + "1" + std::string(200, ')') + "\n";
  FileId g = sm.addFile("nested.rig", nested);
  EXPECT_TRUE(fastParse(sm, g).has_value());
}

// The fast parser applies parse()'s nesting bounds on its tokens, so that
// parse() runs the byte scan only for files past them. Its count must never
// be lower than the byte scan's: each file here is just past one bound,
// and the byte scan must agree on it.
TEST(FastParser, NestingBoundsOnTokensMatchTheByteScan) {
  FastParseOptions opts;
  opts.maxNesting = 20;
  opts.maxOperators = 100;
  auto declined = [&](const std::string &text) {
    SourceManager sm;
    FileId f = sm.addFile("t.rig", text);
    bool byBytes = findDeepNesting(text, opts.maxNesting, opts.maxOperators) != llvm::StringRef::npos;
    EXPECT_TRUE(byBytes) << text;
    return !fastParse(sm, f, opts).has_value();
  };
  auto accepted = [&](const std::string &text) {
    SourceManager sm;
    FileId f = sm.addFile("t.rig", text);
    return fastParse(sm, f, opts).has_value();
  };
  std::string brackets = std::string(10, '(') + std::string(11, '[');
  std::string closing = std::string(11, ']') + std::string(10, ')');
  EXPECT_TRUE(declined("x = " + brackets + "1" + closing + "\n"));
  EXPECT_TRUE(accepted("x = " + brackets.substr(1) + "1" + closing.substr(0, 20) + "\n"));
  // Operators: `==` counts two, a number's `.` one, as bytes do.
  EXPECT_TRUE(declined(std::string("x = 1") + repeat(" == 1", 50) + "\n"));
  EXPECT_TRUE(declined(std::string("x = [") + repeat("1.5 + ", 51) + "1]\n"));
  // A newline ends a chain; a comment's slashes are no operators.
  std::string lines;
  for (int i = 0; i < 60; ++i) {
    lines += 'x';
    lines += std::to_string(i);
    lines += " = 1 + 1 // a / comment\n";
  }
  EXPECT_TRUE(accepted(lines));
  // Inside brackets a newline does not end the chain; between items on one
  // line a comma does; a `}` takes up the chain from before its `{`.
  EXPECT_TRUE(declined(std::string("x = 1") + repeat(" + (1\n)", 101) + "\n"));
  // An element or argument nests on what is outside its brackets, not on
  // its siblings.
  EXPECT_TRUE(declined(std::string("x = 1") + repeat(" + f(1,\n2)", 101) + "\n"));
  EXPECT_TRUE(accepted(std::string("x = [") + repeat("1.5, ", 150) + "1]\n"));
  EXPECT_TRUE(accepted(std::string("x = [") + repeat("-1,\n", 150) + "1]\n"));
  EXPECT_TRUE(declined(std::string("x = 1") + repeat(" + f({\n})", 101) + "\n"));
  EXPECT_TRUE(accepted(std::string("a { ") + repeat("b = 1, ", 150) + "}\n"));
  EXPECT_TRUE(accepted(std::string("x = f(1, {\n") + repeat("b = 1 + 1\n", 150) + "})\n"));
  // Blocks and interpolations nest on top of the brackets around them.
  EXPECT_TRUE(declined(std::string("a {\n") + repeat("b {\n", 20) + "x = 1\n" + std::string(21, '}') + "\n"));
  std::string inString = "x = ";
  inString.append(19, '(');
  inString += "\"${((1))}\"";
  inString.append(19, ')');
  EXPECT_TRUE(declined(inString + "\n"));
  EXPECT_TRUE(declined("x = \"${" + std::string(101, '-') + "1}\"\n"));
  // Keyword operators and postfix chains count as operators.
  EXPECT_TRUE(declined(std::string("x = ") + repeat("not ", 101) + "true\n"));
  EXPECT_TRUE(declined(std::string("x = true") + repeat(" and true", 101) + "\n"));
  EXPECT_TRUE(declined(std::string("x = a[0]") + repeat("[0]", 101) + "\n"));
  EXPECT_TRUE(declined(std::string("x = f(1)") + repeat("(1)", 101) + "\n"));
  EXPECT_TRUE(accepted("x = not a and b or f(1)(2)[3]\n"));
}

TEST(FastParser, RangesAreBytesInTheWholeFile) {
  // Ranges, including those inside interpolations, are absolute file offsets.
  SourceManager sm;
  sm.addFile("other.rig", "ignored");
  FileId f = sm.addFile("t.rig", "// é\nx = \"é${a.b}\"\n");
  std::optional<ast::File> file = fastParse(sm, f);
  ASSERT_TRUE(file);
  ASSERT_EQ(file->items.size(), 1u);
  auto *attr = llvm::cast<ast::Attribute>(file->items[0].get());
  EXPECT_EQ(attr->range.file, f);
  EXPECT_EQ(attr->range.begin, 6u);
  auto *str = llvm::cast<ast::StringExpr>(attr->value.get());
  ASSERT_EQ(str->parts.size(), 2u);
  EXPECT_EQ(str->parts[0].text, "é");
  auto *member = llvm::cast<ast::MemberExpr>(str->parts[1].expr.get());
  EXPECT_EQ(member->range.begin, 15u);
  EXPECT_EQ(member->range.end, 18u);
  ASSERT_EQ(file->comments.size(), 1u);
  EXPECT_EQ(file->comments[0].text, "// é");
}
