// Values: what an expression evaluates to, and typed extraction of values
// into the model (strings, integers, quantities, durations, lists, maps),
// each with a diagnostic that names what was expected where.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "compiler/base/quantity.h"
#include "compiler/diagnostics/diagnostic.h"

namespace rig::sema {

struct Value {
  enum class Kind { Error, Null, Bool, Int, Number, String, Symbol, List, Map, Call };
  Kind kind = Kind::Error;
  SourceRange range;
  bool boolean = false;
  int64_t integer = 0;
  // Number: the literal as written ("500m"); String: the text; Symbol: the
  // bare name (`runtime_default`, `sc.istio_proxy`); Call: the function.
  std::string text;
  std::vector<Value> items; // List elements; Call positional arguments
  struct Entry {
    std::string key;
    SourceRange keyRange;
    std::shared_ptr<const Value> value; // shared: values are immutable once built
  };
  std::vector<Entry> entries; // Map entries; Call named arguments
  // How deep lists, maps and calls nest in this value, and how many
  // elements, entries and string bytes it holds in all: kept as values are
  // built (Evaluator::bounded) so that doubling a string or list, or
  // wrapping a value in itself, `let` after `let`, is refused while it is
  // small instead of exhausting memory, time or the stack.
  uint32_t depth = 0;
  uint64_t weight = 0;

  static Value error(SourceRange r) { Value v; v.range = r; return v; }
  bool isError() const { return kind == Kind::Error; }
  const Value *named(llvm::StringRef key) const;
};

std::string describe(const Value &v); // "a string", "an integer `3`", …

// The dotted name of `a.b.c` when the expression is only names and
// members; false otherwise.
bool dottedName(const ast::Expr &e, std::string &out);

// The text a value contributes to an interpolated string (`"etl-${n}"`):
// strings, numbers and booleans as written; nullopt for anything else.
std::optional<std::string> interpolationText(const Value &v);

// Name bindings visible to expressions (`let`).
using Scope = std::map<std::string, Value, std::less<>>;

// Finds what a name (or dotted name, `sc.default_image`) is bound to; null
// when unbound.
using NameLookup = llvm::function_ref<const Value *(llvm::StringRef)>;

// The most elements a range (`0..7`) may have; larger ones are refused
// before anything is allocated.
constexpr int64_t kMaxRangeElements = 1'000'000;
// The most any one value may hold (Value::weight: elements, entries and
// string bytes in all), and the deepest lists, maps and calls may nest in
// it. Real values are far from both: the first is a 1 MiB string (the most
// a ConfigMap holds) or one largest range (about 300 MB as values), the
// second the parser's bracket limit.
constexpr uint64_t kMaxValueWeight = 1u << 20;
constexpr uint32_t kMaxValueDepth = 200;

class Evaluator {
public:
  Evaluator(Diagnostics &diags, const Scope &scope) : diags_(diags), scope_(&scope) {}
  Evaluator(Diagnostics &diags, NameLookup lookup) : diags_(diags), lookup_(lookup) {}
  Value eval(const ast::Expr &e);

private:
  const Value *find(llvm::StringRef name) const;
  Value binary(const ast::BinaryExpr &b);
  Value quantityArithmetic(const ast::BinaryExpr &b, const Value &l, const Value &r);
  Value range(const ast::RangeExpr &r);
  Value index(const ast::IndexExpr &i);
  Value bounded(Value v);
  Diagnostics &diags_;
  const Scope *scope_ = nullptr;
  NameLookup lookup_;
};

// Typed extraction. Each reports a diagnostic at the value and returns
// nullopt when the value does not fit; error values stay silent (their
// cause was already reported).
class Extractor {
public:
  explicit Extractor(Diagnostics &diags) : diags_(diags) {}
  // Not copied: recentQuantities_ points into this object's own map.
  Extractor(const Extractor &) = delete;
  Extractor &operator=(const Extractor &) = delete;

  std::optional<std::string> string(const Value &v, llvm::StringRef what);
  std::optional<int64_t> integer(const Value &v, llvm::StringRef what, int64_t min, int64_t max);
  std::optional<bool> boolean(const Value &v, llvm::StringRef what);
  // A quantity for resource `resource` ("cpu", "memory", …).
  std::optional<Quantity> quantity(const Value &v, llvm::StringRef resource);
  // The same for a number literal's text (`500m`, `2`) at `range`: what
  // quantity(eval(literal)) gives, without building the value.
  std::optional<Quantity> quantityText(llvm::StringRef text, SourceRange range, llvm::StringRef resource);
  std::optional<int64_t> durationSeconds(const Value &v, llvm::StringRef what);
  std::optional<std::vector<std::string>> stringList(const Value &v, llvm::StringRef what);
  // A string or a bare name from `allowed` (case-sensitive; suggests close ones).
  std::optional<std::string> oneOf(const Value &v, llvm::StringRef what, llvm::ArrayRef<llvm::StringRef> allowed);

  Diagnostics &diags() { return diags_; }

private:
  Diagnostics &diags_;
  // Programs repeat the same few quantities (`100m`, `128Mi`) many times;
  // parsing each spelling once keeps the checker's hot path short.
  llvm::StringMap<QuantityParseResult> quantityCache_;
  // In front of the map: one entry (pointing into the map, whose entries
  // stay put) per slot of a cheap hash of length and end characters, so
  // that a repeated spelling costs one short comparison, not a full hash.
  using QuantityEntry = llvm::StringMapEntry<QuantityParseResult>;
  std::array<const QuantityEntry *, 32> recentQuantities_{};
  const QuantityParseResult &parsedQuantity(llvm::StringRef text);
};

} // namespace rig::sema
