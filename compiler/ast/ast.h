// The rig syntax tree: hand-written nodes with source ranges, independent of
// the parser generator. Most of the surface is one generic Declaration shape
// (keyword, words, after-list, value, body); the checker gives it meaning.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/source/source_manager.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"

namespace rig::ast {

struct Ident {
  std::string name;
  SourceRange range;
};

// ---------------------------------------------------------------- expressions

enum class ExprKind {
  Number, String, Bool, Null, Name, List, Map, Member, Call, Index, Unary, Binary, Range,
  Conditional, Error
};

struct Expr {
  explicit Expr(ExprKind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Expr() = default;
  const ExprKind kind;
  SourceRange range;
};
using ExprPtr = std::unique_ptr<Expr>;

// A number with an optional unit glued to it, kept as written ("500m",
// "512Mi", "30s", even "1.5.3Gi"): what it means depends on where it is used.
struct NumberExpr : Expr {
  NumberExpr(SourceRange r, std::string t) : Expr(ExprKind::Number, r), text(std::move(t)) {}
  std::string text;
  static bool classof(const Expr *e) { return e->kind == ExprKind::Number; }
};

// A string literal, split into literal text and `${…}` interpolations.
struct StringPart {
  std::string text;  // cooked (escapes resolved) when expr is null
  ExprPtr expr;      // an interpolation
  SourceRange range;
};
struct StringExpr : Expr {
  explicit StringExpr(SourceRange r) : Expr(ExprKind::String, r) {}
  std::vector<StringPart> parts;
  bool isPlain() const { return parts.empty() || (parts.size() == 1 && !parts[0].expr); }
  std::string plainText() const { return parts.empty() ? std::string() : parts[0].text; }
  static bool classof(const Expr *e) { return e->kind == ExprKind::String; }
};

struct BoolExpr : Expr {
  BoolExpr(SourceRange r, bool v) : Expr(ExprKind::Bool, r), value(v) {}
  bool value;
  static bool classof(const Expr *e) { return e->kind == ExprKind::Bool; }
};

struct NullExpr : Expr {
  explicit NullExpr(SourceRange r) : Expr(ExprKind::Null, r) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Null; }
};

struct NameExpr : Expr {
  NameExpr(SourceRange r, std::string n) : Expr(ExprKind::Name, r), name(std::move(n)) {}
  std::string name;
  static bool classof(const Expr *e) { return e->kind == ExprKind::Name; }
};

struct ListExpr : Expr {
  explicit ListExpr(SourceRange r) : Expr(ExprKind::List, r) {}
  std::vector<ExprPtr> elements;
  static bool classof(const Expr *e) { return e->kind == ExprKind::List; }
};

struct MapEntry {
  Ident key; // a bare name or a string key; range covers the key as written
  ExprPtr value;
};
struct MapExpr : Expr {
  explicit MapExpr(SourceRange r) : Expr(ExprKind::Map, r) {}
  std::vector<MapEntry> entries;
  static bool classof(const Expr *e) { return e->kind == ExprKind::Map; }
};

struct MemberExpr : Expr {
  MemberExpr(SourceRange r, ExprPtr b, Ident m)
      : Expr(ExprKind::Member, r), base(std::move(b)), member(std::move(m)) {}
  ExprPtr base;
  Ident member;
  static bool classof(const Expr *e) { return e->kind == ExprKind::Member; }
};

struct Argument {
  std::optional<Ident> name; // named argument: `version: "1.24"`
  ExprPtr value;
};
struct CallExpr : Expr {
  CallExpr(SourceRange r, ExprPtr c) : Expr(ExprKind::Call, r), callee(std::move(c)) {}
  ExprPtr callee;
  std::vector<Argument> args;
  static bool classof(const Expr *e) { return e->kind == ExprKind::Call; }
};

struct IndexExpr : Expr {
  IndexExpr(SourceRange r, ExprPtr b, ExprPtr i)
      : Expr(ExprKind::Index, r), base(std::move(b)), index(std::move(i)) {}
  ExprPtr base, index;
  static bool classof(const Expr *e) { return e->kind == ExprKind::Index; }
};

struct UnaryExpr : Expr {
  UnaryExpr(SourceRange r, std::string o, ExprPtr e)
      : Expr(ExprKind::Unary, r), op(std::move(o)), operand(std::move(e)) {}
  std::string op; // "-", "!" (also written `not`)
  ExprPtr operand;
  static bool classof(const Expr *e) { return e->kind == ExprKind::Unary; }
};

struct BinaryExpr : Expr {
  BinaryExpr(SourceRange r, std::string o, ExprPtr l, ExprPtr rr)
      : Expr(ExprKind::Binary, r), op(std::move(o)), lhs(std::move(l)), rhs(std::move(rr)) {}
  std::string op; // + - * / % == != < <= > >= && ||
  ExprPtr lhs, rhs;
  static bool classof(const Expr *e) { return e->kind == ExprKind::Binary; }
};

struct RangeExpr : Expr {
  RangeExpr(SourceRange r, ExprPtr l, ExprPtr h)
      : Expr(ExprKind::Range, r), lo(std::move(l)), hi(std::move(h)) {}
  ExprPtr lo, hi; // inclusive
  static bool classof(const Expr *e) { return e->kind == ExprKind::Range; }
};

struct ConditionalExpr : Expr {
  ConditionalExpr(SourceRange r, ExprPtr c, ExprPtr t, ExprPtr e)
      : Expr(ExprKind::Conditional, r), cond(std::move(c)), then(std::move(t)), otherwise(std::move(e)) {}
  ExprPtr cond, then, otherwise;
  static bool classof(const Expr *e) { return e->kind == ExprKind::Conditional; }
};

// Stands where the parser could not make sense of an expression; the checker
// stays silent about it because a syntax error was already reported.
struct ErrorExpr : Expr {
  explicit ErrorExpr(SourceRange r) : Expr(ExprKind::Error, r) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Error; }
};

// ---------------------------------------------------------------- items

enum class ItemKind { Import, Let, Template, For, If, FailureRule, Attribute, Declaration };

struct Item {
  explicit Item(ItemKind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Item() = default;
  const ItemKind kind;
  SourceRange range;
};
using ItemPtr = std::unique_ptr<Item>;

struct Body {
  SourceRange range; // from `{` to `}`
  std::vector<ItemPtr> items;
};

struct ImportDecl : Item {
  explicit ImportDecl(SourceRange r) : Item(ItemKind::Import, r) {}
  std::string path;
  SourceRange pathRange;
  std::optional<Ident> alias;
  static bool classof(const Item *i) { return i->kind == ItemKind::Import; }
};

struct TypeRef {
  Ident name;                      // string, int, bool, quantity, list, map, …
  std::unique_ptr<TypeRef> element; // list[string]
  SourceRange range;
};

struct LetDecl : Item {
  explicit LetDecl(SourceRange r) : Item(ItemKind::Let, r) {}
  Ident name;
  std::unique_ptr<TypeRef> type;
  ExprPtr value;
  static bool classof(const Item *i) { return i->kind == ItemKind::Let; }
};

struct Param {
  Ident name;
  TypeRef type;
  ExprPtr defaultValue;
};
struct TemplateDecl : Item {
  explicit TemplateDecl(SourceRange r) : Item(ItemKind::Template, r) {}
  Ident name;
  std::vector<Param> params;
  std::optional<Ident> resultKind;
  std::unique_ptr<Body> body;
  static bool classof(const Item *i) { return i->kind == ItemKind::Template; }
};

struct ForItem : Item {
  explicit ForItem(SourceRange r) : Item(ItemKind::For, r) {}
  Ident var;
  std::optional<Ident> secondVar;
  ExprPtr iterable;
  std::unique_ptr<Body> body;
  static bool classof(const Item *i) { return i->kind == ItemKind::For; }
};

struct IfItem : Item {
  explicit IfItem(SourceRange r) : Item(ItemKind::If, r) {}
  ExprPtr cond;
  std::unique_ptr<Body> then;
  ItemPtr elseIf;                   // `else if …`
  std::unique_ptr<Body> otherwise;  // `else { … }`
  static bool classof(const Item *i) { return i->kind == ItemKind::If; }
};

// One element of an exit-code set: a value or an inclusive range, as written.
struct ExitValue {
  std::string lo, hi; // hi empty for a single value; kept as text for the checker
  SourceRange range;
};
struct FailureRule : Item {
  explicit FailureRule(SourceRange r) : Item(ItemKind::FailureRule, r) {}
  enum class Match { Exit, Condition } match = Match::Exit;
  bool notIn = false;
  std::vector<ExitValue> values;
  std::optional<Ident> container;
  std::vector<Ident> conditions; // Condition rules; on an Exit rule (`and condition …`) an error
  Ident action;
  static bool classof(const Item *i) { return i->kind == ItemKind::FailureRule; }
};

struct Attribute : Item {
  explicit Attribute(SourceRange r) : Item(ItemKind::Attribute, r) {}
  // `image`, or `security.run_as_user`: one part nearly always, so inline.
  llvm::SmallVector<Ident, 1> path;
  bool quotedKey = false;  // `"app.kubernetes.io/name" = …`: one key, as written
  ExprPtr value;
  std::string dottedName() const;
  // The same name without a copy when it has one part (nearly always);
  // several parts are joined in `buf`. Valid while the attribute and `buf` are.
  llvm::StringRef dottedName(llvm::SmallVectorImpl<char> &buf) const;
  static bool classof(const Item *i) { return i->kind == ItemKind::Attribute; }
};

// A word after a declaration's keyword: `logs`, `at`, `"/var/log"`, `readonly`,
// `abstractions.base`, `dgx[1..4]`, `8080`, `-1`.
struct Word {
  enum class Kind { Name, String, Number } kind = Kind::Name;
  std::string text; // dotted name, cooked string, or number text
  SourceRange range;
  ExprPtr index;    // `dgx[1..4]`
};
using WordGroup = std::vector<Word>; // words between commas

struct Declaration : Item {
  explicit Declaration(SourceRange r) : Item(ItemKind::Declaration, r) {}
  Ident keyword;
  std::vector<WordGroup> words;
  std::vector<Ident> after;
  ExprPtr value;
  std::unique_ptr<Body> body;
  // The declared name: the first word when it is a plain name or string.
  const Word *nameWord() const {
    return !words.empty() && !words[0].empty() && words[0][0].kind != Word::Kind::Number ? &words[0][0] : nullptr;
  }
  static bool classof(const Item *i) { return i->kind == ItemKind::Declaration; }
};

struct Comment {
  SourceRange range;
  std::string text; // as written, including the `//`, `#` or `/* */`
};

struct File {
  FileId id;
  std::vector<ItemPtr> items;
  std::vector<Comment> comments; // in source order, for the formatter
};

// A readable, stable dump of the tree (`rig check --dump=ast`, golden tests).
std::string dump(const File &file, const SourceManager &sm);

} // namespace rig::ast
