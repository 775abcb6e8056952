#include "lsp/semantic_tokens.h"

#include <algorithm>

#include "llvm/ADT/StringExtras.h"
#include "lsp/server.h"

namespace rig::lsp {

namespace {

// Indexes into the legend below.
enum TokenType : uint32_t {
  TNamespace, TClass, TStruct, TParameter, TVariable, TProperty, TFunction, TKeyword, TComment, TString, TNumber,
  TOperator, TEnumMember, TType
};
const char *const kTypes[] = {"namespace", "class",  "struct", "parameter", "variable", "property", "function",
                              "keyword",   "comment", "string", "number",    "operator", "enumMember", "type"};
enum TokenModifier : uint32_t { MDeclaration = 1, MReadonly = 2, MDefaultLibrary = 4, MQuantity = 8, MDuration = 16 };
const char *const kModifiers[] = {"declaration", "readonly", "defaultLibrary", "quantity", "duration"};

struct Token {
  uint32_t begin, end, type, modifiers;
};

uint32_t symbolType(Symbol::Kind k) {
  switch (k) {
  case Symbol::Kind::Let: return TVariable;
  case Symbol::Kind::Template: return TFunction;
  case Symbol::Kind::Param: return TParameter;
  case Symbol::Kind::ForVar: return TVariable;
  case Symbol::Kind::Alias: case Symbol::Kind::Module: return TNamespace;
  case Symbol::Kind::Workload: return TClass;
  case Symbol::Kind::Container: return TStruct;
  case Symbol::Kind::Volume: case Symbol::Kind::Gpus: return TVariable;
  case Symbol::Kind::Port: return TEnumMember;
  case Symbol::Kind::Object: return TType;
  }
  return TVariable;
}

// A number's unit: durations (`30s`, `1h30m`, `500ms`) or other quantities
// (`500m`, `512Mi`). A bare `m` is minutes or milli depending on the field;
// it is shown as a quantity.
uint32_t numberModifiers(llvm::StringRef text) {
  size_t i = 0;
  while (i < text.size() && (llvm::isDigit(text[i]) || text[i] == '.' || text[i] == '-' || text[i] == '+')) ++i;
  llvm::StringRef unit = text.substr(i);
  if (unit.empty() || text.startswith("0x")) return 0;
  bool duration = unit == "s" || unit == "ms" || unit == "h" || unit == "us" || unit == "ns" || unit.contains_insensitive("h") ||
                  (unit.contains('m') && unit.contains('s') && !unit.contains('i'));
  // Compound durations carry digits after the first unit: `1h30m`.
  if (!duration && unit.find_first_of("0123456789") != llvm::StringRef::npos) duration = true;
  return duration ? MDuration : MQuantity;
}

class Collector {
public:
  Collector(const Compilation &c, FileId file, const SymbolIndex &index)
      : c_(c), file_(file), index_(index), text_(c.sources.text(file)) {}

  std::vector<Token> run() {
    for (const ast::File &f : c_.files)
      if (f.id == file_) {
        for (const ast::Comment &cm : f.comments) add(cm.range, TComment);
        for (const ast::ItemPtr &it : f.items) item(*it);
      }
    std::stable_sort(tokens_.begin(), tokens_.end(), [](const Token &a, const Token &b) { return a.begin < b.begin; });
    // Overlaps cannot be encoded: the first token at a place wins.
    std::vector<Token> out;
    for (const Token &t : tokens_)
      if (out.empty() || t.begin >= out.back().end) out.push_back(t);
    return out;
  }

private:
  void add(SourceRange r, uint32_t type, uint32_t mods = 0) {
    if (r.valid() && r.file == file_ && r.end > r.begin && r.end <= text_.size()) tokens_.push_back({r.begin, r.end, type, mods});
  }
  SourceRange at(uint32_t begin, size_t len) const { return {file_, begin, static_cast<uint32_t>(begin + len)}; }
  // A keyword the tree places at `begin` (an item's first token), if it is there.
  void keywordAt(uint32_t begin, llvm::StringRef word) {
    if (text_.substr(begin).startswith(word)) add(at(begin, word.size()), TKeyword);
  }
  // The first `word` in [from, to) — for keywords and operators between two
  // parts the tree has ranges for (`after`, `=`, `=>`, `..`).
  void findBetween(uint32_t from, uint32_t to, llvm::StringRef word, uint32_t type) {
    if (from >= to || to > text_.size()) return;
    size_t at0 = text_.slice(from, to).find(word);
    if (at0 != llvm::StringRef::npos) add(at(from + static_cast<uint32_t>(at0), word.size()), type);
  }
  // A name: what the index says it is.
  bool name(SourceRange r) {
    const Occurrence *o = r.valid() ? index_.at(r.file, r.begin) : nullptr;
    if (!o || o->range.begin != r.begin) return false;
    const Symbol &s = index_.symbols()[o->symbol];
    uint32_t mods = (o->declaration ? uint32_t(MDeclaration) : 0u) | (s.kind == Symbol::Kind::Let ? uint32_t(MReadonly) : 0u) |
                    (s.stdlib ? uint32_t(MDefaultLibrary) : 0u);
    add(o->range, symbolType(s.kind), mods);
    return true;
  }

  void body(const ast::Body *b) {
    if (b)
      for (const ast::ItemPtr &it : b->items) item(*it);
  }

  void item(const ast::Item &it) {
    if (auto *im = llvm::dyn_cast<ast::ImportDecl>(&it)) {
      keywordAt(im->range.begin, "import");
      add(im->pathRange, TString);
      if (im->alias) {
        findBetween(im->pathRange.end, im->alias->range.begin, "as", TKeyword);
        name(im->alias->range);
      }
    } else if (auto *l = llvm::dyn_cast<ast::LetDecl>(&it)) {
      keywordAt(l->range.begin, "let");
      name(l->name.range);
      if (l->type) type(*l->type);
      if (l->value) findBetween(l->name.range.end, l->value->range.begin, "=", TOperator);
      expr(l->value.get());
    } else if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(&it)) {
      keywordAt(t->range.begin, "template");
      name(t->name.range);
      for (const ast::Param &p : t->params) {
        name(p.name.range);
        type(p.type);
        expr(p.defaultValue.get());
      }
      if (t->resultKind) add(t->resultKind->range, TKeyword);
      body(t->body.get());
    } else if (auto *f = llvm::dyn_cast<ast::ForItem>(&it)) {
      keywordAt(f->range.begin, "for");
      name(f->var.range);
      if (f->secondVar) name(f->secondVar->range);
      if (f->iterable) findBetween(f->var.range.end, f->iterable->range.begin, "in", TKeyword);
      expr(f->iterable.get());
      body(f->body.get());
    } else if (auto *i = llvm::dyn_cast<ast::IfItem>(&it)) {
      keywordAt(i->range.begin, "if");
      expr(i->cond.get());
      body(i->then.get());
      uint32_t thenEnd = i->then ? i->then->range.end : i->range.begin;
      if (i->elseIf || i->otherwise)
        findBetween(thenEnd, i->elseIf ? i->elseIf->range.begin : i->otherwise->range.begin, "else", TKeyword);
      if (i->elseIf) item(*i->elseIf);
      body(i->otherwise.get());
    } else if (auto *r = llvm::dyn_cast<ast::FailureRule>(&it)) {
      keywordAt(r->range.begin, "on");
      uint32_t from = r->range.begin + 2;
      findBetween(from, r->range.end, r->match == ast::FailureRule::Match::Exit ? "exit" : "condition", TKeyword);
      for (const ast::ExitValue &v : r->values) {
        add(v.range, TNumber);
      }
      if (r->container) {
        findBetween(r->values.empty() ? from : r->values.back().range.end, r->container->range.begin, "in", TKeyword);
        if (!name(r->container->range)) add(r->container->range, TVariable);
      }
      for (const ast::Ident &cnd : r->conditions) add(cnd.range, TEnumMember);
      findBetween(from, r->action.range.begin, "=>", TOperator);
      add(r->action.range, TEnumMember);
    } else if (auto *a = llvm::dyn_cast<ast::Attribute>(&it)) {
      for (const ast::Ident &p : a->path) add(p.range, a->quotedKey ? TString : TProperty);
      if (!a->path.empty() && a->value) findBetween(a->path.back().range.end, a->value->range.begin, "=", TOperator);
      expr(a->value.get());
    } else if (auto *d = llvm::dyn_cast<ast::Declaration>(&it)) {
      add(d->keyword.range, TKeyword);
      for (const ast::WordGroup &g : d->words)
        for (const ast::Word &w : g) {
          if (name(w.range)) {
          } else if (w.kind == ast::Word::Kind::String) {
            add(w.range, TString);
          } else if (w.kind == ast::Word::Kind::Number) {
            add(w.range, TNumber, numberModifiers(w.text));
          } else {
            // `at`, `readonly`, `port`, `http_get`…: the declaration's own words.
            SourceRange r = w.range;
            if (w.index) r.end = std::min(r.end, w.index->range.begin > 0 ? w.index->range.begin - 1 : r.end);
            add(r, TKeyword);
          }
          expr(w.index.get());
        }
      if (!d->after.empty()) {
        uint32_t from = d->keyword.range.end;
        if (!d->words.empty() && !d->words.back().empty()) from = d->words.back().back().range.end;
        findBetween(from, d->after.front().range.begin, "after", TKeyword);
        for (const ast::Ident &n : d->after)
          if (!name(n.range)) add(n.range, TStruct);
      }
      if (d->value) {
        uint32_t from = !d->after.empty() ? d->after.back().range.end
                        : (!d->words.empty() && !d->words.back().empty()) ? d->words.back().back().range.end
                                                                          : d->keyword.range.end;
        findBetween(from, d->value->range.begin, "=", TOperator);
      }
      expr(d->value.get());
      body(d->body.get());
    }
  }

  void type(const ast::TypeRef &t) {
    add(t.name.range, TType);
    if (t.element) type(*t.element);
  }

  void expr(const ast::Expr *e) {
    if (!e) return;
    switch (e->kind) {
    case ast::ExprKind::Number: add(e->range, TNumber, numberModifiers(llvm::cast<ast::NumberExpr>(e)->text)); break;
    case ast::ExprKind::Bool: case ast::ExprKind::Null: add(e->range, TKeyword); break;
    case ast::ExprKind::String: {
      // The literal text between interpolations; the interpolated code is code.
      uint32_t from = e->range.begin;
      for (const ast::StringPart &p : llvm::cast<ast::StringExpr>(e)->parts) {
        if (!p.expr) continue;
        add({file_, from, p.expr->range.begin}, TString);
        expr(p.expr.get());
        from = p.expr->range.end;
      }
      add({file_, from, e->range.end}, TString);
      break;
    }
    case ast::ExprKind::Name:
      if (!name(e->range)) add(e->range, TEnumMember); // `Never`, `runtime_default`, …: a value the field names
      break;
    case ast::ExprKind::List:
      for (const ast::ExprPtr &x : llvm::cast<ast::ListExpr>(e)->elements) expr(x.get());
      break;
    case ast::ExprKind::Map:
      for (const ast::MapEntry &me : llvm::cast<ast::MapExpr>(e)->entries) {
        add(me.key.range, text_.substr(me.key.range.begin).startswith("\"") ? TString : TProperty);
        expr(me.value.get());
      }
      break;
    case ast::ExprKind::Member: {
      auto *m = llvm::cast<ast::MemberExpr>(e);
      expr(m->base.get());
      if (!name(m->member.range)) add(m->member.range, TProperty);
      break;
    }
    case ast::ExprKind::Call: {
      auto *call = llvm::cast<ast::CallExpr>(e);
      if (auto *callee = llvm::dyn_cast<ast::NameExpr>(call->callee.get()); callee && !name(callee->range))
        add(callee->range, TFunction, MDefaultLibrary); // a built-in: empty_dir(), secret(), claim(), …
      else if (!llvm::isa<ast::NameExpr>(call->callee.get()))
        expr(call->callee.get());
      for (const ast::Argument &a : call->args) {
        if (a.name && !name(a.name->range)) add(a.name->range, TParameter);
        expr(a.value.get());
      }
      break;
    }
    case ast::ExprKind::Index: {
      auto *x = llvm::cast<ast::IndexExpr>(e);
      expr(x->base.get());
      expr(x->index.get());
      break;
    }
    case ast::ExprKind::Unary: {
      auto *u = llvm::cast<ast::UnaryExpr>(e);
      bool word = text_.substr(e->range.begin).startswith("not");
      add(at(e->range.begin, word ? 3 : u->op.size()), word ? TKeyword : TOperator);
      expr(u->operand.get());
      break;
    }
    case ast::ExprKind::Binary: {
      auto *b = llvm::cast<ast::BinaryExpr>(e);
      expr(b->lhs.get());
      if (b->lhs && b->rhs) {
        // `&&`/`||` may be written `and`/`or`.
        llvm::StringRef between = text_.slice(b->lhs->range.end, b->rhs->range.begin);
        if (b->op == "&&" && between.contains("and")) findBetween(b->lhs->range.end, b->rhs->range.begin, "and", TKeyword);
        else if (b->op == "||" && between.contains("or")) findBetween(b->lhs->range.end, b->rhs->range.begin, "or", TKeyword);
        else findBetween(b->lhs->range.end, b->rhs->range.begin, b->op, TOperator);
      }
      expr(b->rhs.get());
      break;
    }
    case ast::ExprKind::Range: {
      auto *r = llvm::cast<ast::RangeExpr>(e);
      expr(r->lo.get());
      if (r->lo && r->hi) findBetween(r->lo->range.end, r->hi->range.begin, "..", TOperator);
      expr(r->hi.get());
      break;
    }
    case ast::ExprKind::Conditional: {
      auto *c = llvm::cast<ast::ConditionalExpr>(e);
      expr(c->cond.get());
      expr(c->then.get());
      expr(c->otherwise.get());
      break;
    }
    default: break;
    }
  }

  const Compilation &c_;
  FileId file_;
  const SymbolIndex &index_;
  llvm::StringRef text_;
  std::vector<Token> tokens_;
};

} // namespace

llvm::json::Object semanticTokensLegend() {
  llvm::json::Array types, mods;
  for (const char *t : kTypes) types.push_back(t);
  for (const char *m : kModifiers) mods.push_back(m);
  return llvm::json::Object{{"tokenTypes", std::move(types)}, {"tokenModifiers", std::move(mods)}};
}

std::vector<uint32_t> semanticTokens(const Compilation &c, FileId file, const SymbolIndex &index) {
  std::vector<Token> tokens = Collector(c, file, index).run();
  llvm::StringRef text = c.sources.text(file);
  std::vector<uint32_t> data;
  uint32_t prevLine = 0, prevChar = 0;
  auto emit = [&](uint32_t b, uint32_t e, const Token &t) {
    if (e <= b) return;
    auto start = c.sources.toUtf16(file, b), end = c.sources.toUtf16(file, e);
    if (end.line != start.line || end.character <= start.character) return;
    data.push_back(start.line - prevLine);
    data.push_back(start.line == prevLine ? start.character - prevChar : start.character);
    data.push_back(end.character - start.character);
    data.push_back(t.type);
    data.push_back(t.modifiers);
    prevLine = start.line;
    prevChar = start.character;
  };
  for (const Token &t : tokens) {
    // One token per line: clients need not support multiline tokens.
    uint32_t b = t.begin;
    while (b < t.end) {
      // Looked for within the token only: to the end of the text, a file
      // of one long line made this quadratic.
      size_t nl = text.slice(b, t.end).find('\n');
      uint32_t e = nl == llvm::StringRef::npos ? t.end : b + static_cast<uint32_t>(nl);
      uint32_t trimmed = e;
      if (trimmed > b && text[trimmed - 1] == '\r') --trimmed;
      emit(b, trimmed, t);
      b = e + 1;
    }
  }
  return data;
}

llvm::json::Value Server::semanticTokensFull(const Document &d) {
  Analysis &a = analyse(d);
  const SymbolIndex &index = symbolsOf(a);
  llvm::json::Array data;
  for (uint32_t v : semanticTokens(*a.compilation, a.file, index)) data.push_back(static_cast<int64_t>(v));
  return llvm::json::Object{{"data", std::move(data)}};
}

} // namespace rig::lsp
