#include "compiler/check/values.h"

#include "llvm/ADT/StringSet.h"

#include <limits>

#include "llvm/Support/Casting.h"

namespace rig::sema {

using llvm::cast;
using llvm::dyn_cast;

const Value *Value::named(llvm::StringRef key) const {
  for (const Entry &e : entries)
    if (e.key == key) return e.value.get();
  return nullptr;
}

std::string describe(const Value &v) {
  switch (v.kind) {
  case Value::Kind::Error: return "an invalid value";
  case Value::Kind::Null: return "`null`";
  case Value::Kind::Bool: return v.boolean ? "`true`" : "`false`";
  case Value::Kind::Int: return fmt::format("the integer `{}`", v.integer);
  case Value::Kind::Number: return fmt::format("`{}`", v.text);
  case Value::Kind::String: return fmt::format("the string \"{}\"", v.text.size() > 40 ? v.text.substr(0, 40) + "…" : v.text);
  case Value::Kind::Symbol: return fmt::format("the name `{}`", v.text);
  case Value::Kind::List: return "a list";
  case Value::Kind::Map: return "a map";
  case Value::Kind::Call: return fmt::format("`{}(…)`", v.text);
  }
  return "a value";
}

std::optional<std::string> interpolationText(const Value &v) {
  switch (v.kind) {
  case Value::Kind::String:
  case Value::Kind::Number: return v.text;
  case Value::Kind::Int: return std::to_string(v.integer);
  case Value::Kind::Bool: return std::string(v.boolean ? "true" : "false");
  default: return std::nullopt;
  }
}

// The dotted name of `a.b.c` when the expression is only names and members.
bool dottedName(const ast::Expr &e, std::string &out) {
  if (auto *n = dyn_cast<ast::NameExpr>(&e)) {
    out = n->name;
    return true;
  }
  if (auto *m = dyn_cast<ast::MemberExpr>(&e)) {
    if (!dottedName(*m->base, out)) return false;
    out += "." + m->member.name;
    return true;
  }
  return false;
}

Value Evaluator::eval(const ast::Expr &e) {
  Value v;
  v.range = e.range;
  switch (e.kind) {
  case ast::ExprKind::Error: return v;
  case ast::ExprKind::Null: v.kind = Value::Kind::Null; return v;
  case ast::ExprKind::Bool:
    v.kind = Value::Kind::Bool;
    v.boolean = cast<ast::BoolExpr>(e).value;
    return v;
  case ast::ExprKind::Number: {
    const std::string &text = cast<ast::NumberExpr>(e).text;
    llvm::StringRef t(text);
    long long n;
    // Plain integers become Int; everything with a unit or a fraction stays a
    // Number whose meaning depends on where it is used (500m is milli-CPU for
    // `cpu` and minutes for a duration).
    // A leading zero means octal, as in chmod: `default_mode = 0644`.
    // One pass tells the common cases apart: digits only, or a character no
    // integer has (a unit, a point); only signs take the general parse.
    bool digitsOnly = !t.empty(), signs = false;
    for (char c : t) {
      if (c >= '0' && c <= '9') continue;
      digitsOnly = false;
      if (c != '-' && c != '+') {
        signs = false;
        break;
      }
      signs = true;
    }
    bool mayBeInteger = digitsOnly || signs;
    unsigned radix = t.size() > 1 && t.front() == '0' && digitsOnly ? 8 : 10;
    if (digitsOnly && radix == 10 && t.size() <= 18) { // fits in int64: no overflow check needed
      n = 0;
      for (char c : t) n = n * 10 + (c - '0');
      v.kind = Value::Kind::Int;
      v.integer = n;
    } else if (mayBeInteger && !t.getAsInteger(radix, n)) {
      v.kind = Value::Kind::Int;
      v.integer = n;
    } else {
      v.kind = Value::Kind::Number;
    }
    v.text = text;
    return v;
  }
  case ast::ExprKind::String: {
    auto &s = cast<ast::StringExpr>(e);
    v.kind = Value::Kind::String;
    for (const ast::StringPart &p : s.parts) {
      if (!p.expr) {
        v.text += p.text;
        continue;
      }
      Value part = eval(*p.expr);
      if (part.isError()) return Value::error(e.range);
      std::optional<std::string> text = interpolationText(part);
      if (!text) {
        diags_.report(DiagKind::TypeMismatch, p.range, "a string, number or boolean in interpolation", describe(part));
        return Value::error(e.range);
      }
      v.text += *text;
      if (v.text.size() > kMaxValueWeight) break; // bounded() reports it
    }
    return bounded(std::move(v));
  }
  case ast::ExprKind::Name: {
    auto &n = cast<ast::NameExpr>(e);
    if (const Value *bound = find(n.name)) {
      Value copy = *bound;
      copy.range = e.range;
      return copy;
    }
    // An unbound bare name is a symbol: `runtime_default`, `NET_ADMIN`. Its
    // consumer decides whether it is meaningful there.
    v.kind = Value::Kind::Symbol;
    v.text = n.name;
    return v;
  }
  case ast::ExprKind::Member: {
    std::string name;
    if (dottedName(e, name)) {
      if (const Value *bound = find(name)) {
        Value copy = *bound;
        copy.range = e.range;
        return copy;
      }
      v.kind = Value::Kind::Symbol;
      v.text = name;
      return v;
    }
    diags_.report(DiagKind::UnsupportedConstruct, e.range, "member access on a computed value");
    return v;
  }
  case ast::ExprKind::List: {
    v.kind = Value::Kind::List;
    for (const ast::ExprPtr &x : cast<ast::ListExpr>(e).elements) v.items.push_back(eval(*x));
    return bounded(std::move(v));
  }
  case ast::ExprKind::Map: {
    v.kind = Value::Kind::Map;
    // Keys seen so far by a set: comparing each key with all before it
    // took half a minute for a 100,000-entry map.
    llvm::StringSet<> keys;
    for (const ast::MapEntry &m : cast<ast::MapExpr>(e).entries) {
      if (!keys.insert(m.key.name).second) diags_.report(DiagKind::DuplicateField, m.key.range, m.key.name);
      v.entries.push_back({m.key.name, m.key.range, std::make_shared<Value>(eval(*m.value))});
    }
    return bounded(std::move(v));
  }
  case ast::ExprKind::Call: {
    auto &c = cast<ast::CallExpr>(e);
    std::string name;
    if (!dottedName(*c.callee, name)) {
      diags_.report(DiagKind::UnsupportedConstruct, c.callee->range, "calling a computed value");
      return v;
    }
    v.kind = Value::Kind::Call;
    v.text = name;
    for (const ast::Argument &a : c.args) {
      Value arg = eval(*a.value);
      if (a.name)
        v.entries.push_back({a.name->name, a.name->range, std::make_shared<Value>(std::move(arg))});
      else
        v.items.push_back(std::move(arg));
    }
    return bounded(std::move(v));
  }
  case ast::ExprKind::Unary: {
    auto &u = cast<ast::UnaryExpr>(e);
    Value x = eval(*u.operand);
    if (x.isError()) return v;
    if (u.op == "-" && x.kind == Value::Kind::Int && x.integer != std::numeric_limits<int64_t>::min()) {
      x.integer = -x.integer;
      x.text = std::to_string(x.integer);
      x.range = e.range;
      return x;
    }
    if (u.op == "-" && x.kind == Value::Kind::Number) {
      x.text = "-" + x.text;
      x.range = e.range;
      return x;
    }
    if (u.op == "!" && x.kind == Value::Kind::Bool) {
      x.boolean = !x.boolean;
      x.range = e.range;
      return x;
    }
    diags_.report(DiagKind::TypeMismatch, u.operand->range, u.op == "!" ? "a boolean" : "a number", describe(x));
    return v;
  }
  case ast::ExprKind::Binary: return binary(cast<ast::BinaryExpr>(e));
  case ast::ExprKind::Index: return index(cast<ast::IndexExpr>(e));
  case ast::ExprKind::Range: return range(cast<ast::RangeExpr>(e));
  case ast::ExprKind::Conditional: {
    auto &c = cast<ast::ConditionalExpr>(e);
    Value cond = eval(*c.cond);
    if (cond.isError()) return v;
    if (cond.kind != Value::Kind::Bool) {
      diags_.report(DiagKind::TypeMismatch, cond.range, "a boolean condition", describe(cond));
      return v;
    }
    // Only the chosen branch is evaluated, so `x > 0 ? 10 / x : 0` is safe.
    return eval(cond.boolean ? *c.then : *c.otherwise);
  }
  }
  return v;
}

const Value *Evaluator::find(llvm::StringRef name) const {
  if (scope_) {
    auto it = scope_->find(name);
    return it == scope_->end() ? nullptr : &it->second;
  }
  return lookup_ ? lookup_(name) : nullptr;
}

// `lo..hi`, both ends included: `0..7` has eight elements.
Value Evaluator::range(const ast::RangeExpr &r) {
  Value lo = eval(*r.lo), hi = eval(*r.hi);
  Value v;
  v.range = r.range;
  if (lo.isError() || hi.isError()) return v;
  for (const Value *x : {&lo, &hi})
    if (x->kind != Value::Kind::Int) {
      diags_.report(DiagKind::TypeMismatch, x->range, "an integer bound for a range", describe(*x));
      return v;
    }
  if (lo.integer > hi.integer) {
    diags_.report(DiagKind::ReversedRange, r.range, lo.integer, hi.integer, hi.integer, lo.integer)
        .fix(r.range, fmt::format("{}..{}", hi.integer, lo.integer));
    return v;
  }
  // Checked in 128 bits: `-2^63..2^63-1` must not overflow the count.
  __int128 count = (__int128)hi.integer - lo.integer + 1;
  if (count > kMaxRangeElements) {
    diags_.report(DiagKind::RangeTooLarge, r.range, lo.integer, hi.integer, (long long)count, kMaxRangeElements);
    return v;
  }
  v.kind = Value::Kind::List;
  v.items.reserve((size_t)count);
  for (int64_t i = lo.integer;; ++i) {
    Value x;
    x.kind = Value::Kind::Int;
    x.integer = i;
    x.range = r.range;
    v.items.push_back(std::move(x));
    if (i == hi.integer) break;
  }
  return bounded(std::move(v));
}

// Sets v's depth and weight from its parts (already bounded themselves)
// and refuses it when either is past its limit. A value too large to build
// comes with its weight set and nothing in it.
Value Evaluator::bounded(Value v) {
  uint64_t weight = std::max<uint64_t>(v.weight, v.text.size());
  uint32_t depth = 0;
  auto add = [&](const Value &x) {
    weight += 1 + x.weight;
    depth = std::max(depth, x.depth + 1);
  };
  for (const Value &x : v.items) add(x);
  for (const Value::Entry &x : v.entries) add(*x.value);
  v.weight = weight;
  v.depth = depth;
  if (weight <= kMaxValueWeight && depth <= kMaxValueDepth) return v;
  if (depth > kMaxValueDepth)
    diags_.report(DiagKind::ValueTooLarge, v.range, fmt::format("nest lists, maps and calls {} deep", depth),
                  kMaxValueDepth);
  else
    diags_.report(DiagKind::ValueTooLarge, v.range, fmt::format("hold {} elements and string bytes", weight),
                  kMaxValueWeight);
  return Value::error(v.range);
}

// `list[i]` (from 0; negative counts from the end) and `map["key"]`.
Value Evaluator::index(const ast::IndexExpr &ix) {
  // A bound name is indexed where it is bound, not copied first: `big[i]`
  // in a loop over a large list would otherwise copy the whole list on
  // every iteration (quadratic: seconds at 20,000 elements).
  const Value *bound = nullptr;
  std::string name;
  if ((ix.base->kind == ast::ExprKind::Name || ix.base->kind == ast::ExprKind::Member) && dottedName(*ix.base, name))
    bound = find(name);
  Value copied;
  if (!bound) copied = eval(*ix.base);
  const Value &base = bound ? *bound : copied;
  Value key = eval(*ix.index);
  Value v;
  v.range = ix.range;
  if (base.isError() || key.isError()) return v;
  if (base.kind == Value::Kind::List) {
    if (key.kind != Value::Kind::Int) {
      diags_.report(DiagKind::TypeMismatch, key.range, "an integer index", describe(key));
      return v;
    }
    int64_t n = (int64_t)base.items.size(), i = key.integer < 0 ? key.integer + n : key.integer;
    if (i < 0 || i >= n) {
      diags_.report(DiagKind::ValueOutOfRange, key.range, "the index", -n, n - 1, key.integer);
      return v;
    }
    Value out = base.items[(size_t)i];
    out.range = ix.range;
    return out;
  }
  if (base.kind == Value::Kind::Map) {
    if (key.kind != Value::Kind::String) {
      diags_.report(DiagKind::TypeMismatch, key.range, "a string key", describe(key));
      return v;
    }
    if (const Value *found = base.named(key.text)) {
      Value out = *found;
      out.range = ix.range;
      return out;
    }
    std::vector<std::string> keys;
    for (const Value::Entry &en : base.entries) keys.push_back(en.key);
    Diagnostic &d = diags_.report(DiagKind::UndefinedName, key.range, key.text, "in this map");
    if (std::string close = closestMatch(key.text, keys); !close.empty()) d.note(fmt::format("did you mean `{}`?", close));
    return v;
  }
  diags_.report(DiagKind::TypeMismatch, ix.base->range, "a list or a map to index", describe(base));
  return v;
}

Value Evaluator::binary(const ast::BinaryExpr &b) {
  Value l = eval(*b.lhs), r = eval(*b.rhs);
  Value v;
  v.range = b.range;
  if (l.isError() || r.isError()) return v;
  if (l.kind == Value::Kind::Int && r.kind == Value::Kind::Int) {
    int64_t x = l.integer, y = r.integer, out = 0;
    bool overflow = false;
    if (b.op == "+") overflow = __builtin_add_overflow(x, y, &out);
    else if (b.op == "-") overflow = __builtin_sub_overflow(x, y, &out);
    else if (b.op == "*") overflow = __builtin_mul_overflow(x, y, &out);
    else if (b.op == "/" || b.op == "%") {
      if (y == 0) {
        diags_.report(DiagKind::TypeMismatch, b.rhs->range, "a non-zero divisor", describe(r));
        return v;
      }
      if (x == std::numeric_limits<int64_t>::min() && y == -1) overflow = true;
      else out = b.op == "/" ? x / y : x % y;
    } else {
      v.kind = Value::Kind::Bool;
      if (b.op == "==") v.boolean = x == y;
      else if (b.op == "!=") v.boolean = x != y;
      else if (b.op == "<") v.boolean = x < y;
      else if (b.op == "<=") v.boolean = x <= y;
      else if (b.op == ">") v.boolean = x > y;
      else if (b.op == ">=") v.boolean = x >= y;
      else {
        diags_.report(DiagKind::TypeMismatch, b.range, "booleans for `" + b.op + "`", "integers");
        v.kind = Value::Kind::Error;
      }
      return v;
    }
    if (overflow) {
      diags_.report(DiagKind::ValueOutOfRange, b.range, "the result", "-2^63", "2^63-1", "an overflow");
      return v;
    }
    v.kind = Value::Kind::Int;
    v.integer = out;
    return v;
  }
  if (l.kind == Value::Kind::String && r.kind == Value::Kind::String) {
    if (b.op == "+") {
      v.kind = Value::Kind::String;
      if (l.text.size() + r.text.size() > kMaxValueWeight) {
        v.text = "…"; // not built: bounded() reports the size
        v.weight = l.text.size() + r.text.size();
        return bounded(std::move(v));
      }
      v.text = l.text + r.text;
      return bounded(std::move(v));
    }
    if (b.op == "==" || b.op == "!=") {
      v.kind = Value::Kind::Bool;
      v.boolean = (l.text == r.text) == (b.op == "==");
      return v;
    }
  }
  if (l.kind == Value::Kind::List && r.kind == Value::Kind::List && b.op == "+") {
    if (l.weight + r.weight > kMaxValueWeight) {
      v.kind = Value::Kind::List; // not built: bounded() reports the size
      v.weight = l.weight + r.weight;
      return bounded(std::move(v));
    }
    v = l;
    v.range = b.range;
    v.items.insert(v.items.end(), r.items.begin(), r.items.end());
    return bounded(std::move(v));
  }
  if ((l.kind == Value::Kind::Number || r.kind == Value::Kind::Number) &&
      (l.kind == Value::Kind::Int || l.kind == Value::Kind::Number) && (r.kind == Value::Kind::Int || r.kind == Value::Kind::Number))
    return quantityArithmetic(b, l, r);
  if (l.kind == Value::Kind::Bool && r.kind == Value::Kind::Bool && (b.op == "&&" || b.op == "||" || b.op == "==" || b.op == "!=")) {
    v.kind = Value::Kind::Bool;
    if (b.op == "&&") v.boolean = l.boolean && r.boolean;
    else if (b.op == "||") v.boolean = l.boolean || r.boolean;
    else v.boolean = (l.boolean == r.boolean) == (b.op == "==");
    return v;
  }
  diags_.report(DiagKind::TypeMismatch, b.range, fmt::format("operands that `{}` accepts", b.op),
                describe(l) + " and " + describe(r));
  return v;
}

namespace {
// A number with a unit as an exact amount: quantities (`512Mi`, `500m`) in
// thousandths, durations (`30s`, `5m`, `2h`) in seconds. Durations win for
// `s`/`h`; `m` is milli for quantities, so `5m` is read as a quantity unless
// the other operand is a duration.
struct Amount {
  enum class Kind { Quantity, Duration } kind;
  __int128 value; // quantity: milli; duration: seconds
  QuantityFormat format = QuantityFormat::DecimalSI;
};

std::optional<Amount> durationAmount(llvm::StringRef t) {
  if (t.size() < 2) return std::nullopt;
  char unit = t.back();
  int64_t mult = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 0;
  long long n;
  if (!mult || t.drop_back().getAsInteger(10, n)) return std::nullopt;
  return Amount{Amount::Kind::Duration, (__int128)n * mult};
}

std::optional<Amount> quantityAmount(llvm::StringRef t) {
  QuantityParseResult q = parseQuantity(t);
  if (!q.value) return std::nullopt;
  return Amount{Amount::Kind::Quantity, q.value->milli, q.value->format};
}

std::string durationText(__int128 seconds) {
  long long s = (long long)seconds;
  if (s != 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s != 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}
} // namespace

// Arithmetic and comparison on numbers with units: `2 * 512Mi` is `1Gi`,
// `1Gi + 512Mi` is `1536Mi`, `30s * 4` is `2m`; `512Mi < 1Gi` compares
// amounts. Units must agree (a quantity and a duration never mix); a plain
// integer scales.
Value Evaluator::quantityArithmetic(const ast::BinaryExpr &b, const Value &l, const Value &r) {
  Value v;
  v.range = b.range;
  bool lDur = l.kind == Value::Kind::Number && durationAmount(l.text) && !quantityAmount(l.text);
  bool rDur = r.kind == Value::Kind::Number && durationAmount(r.text) && !quantityAmount(r.text);
  bool duration = lDur || rDur;
  auto amount = [&](const Value &x) -> std::optional<Amount> {
    if (x.kind == Value::Kind::Int) return std::nullopt;
    return duration ? durationAmount(x.text) : quantityAmount(x.text);
  };
  std::optional<Amount> la = amount(l), ra = amount(r);
  auto bad = [&](const Value &x) {
    diags_.report(DiagKind::TypeMismatch, x.range, duration ? "a duration such as `30s`" : "a quantity such as `512Mi`", describe(x));
    return v;
  };
  if (l.kind == Value::Kind::Number && !la) return bad(l);
  if (r.kind == Value::Kind::Number && !ra) return bad(r);
  const __int128 kLimit = (__int128)1 << 100; // far beyond any real quantity, far below overflow
  auto finish = [&](__int128 x, QuantityFormat f) {
    if (x > kLimit || x < -kLimit) {
      diags_.report(DiagKind::ValueOutOfRange, b.range, "the result", "-2^100", "2^100", "a larger value");
      return v;
    }
    v.kind = Value::Kind::Number;
    v.text = duration ? durationText(x) : Quantity::fromMilli(x, f).canonical();
    return v;
  };
  QuantityFormat fmtOf = la ? la->format : ra->format;
  if (la && ra) {
    if (b.op == "+") return finish(la->value + ra->value, fmtOf);
    if (b.op == "-") return finish(la->value - ra->value, fmtOf);
    int c = la->value < ra->value ? -1 : la->value > ra->value ? 1 : 0;
    v.kind = Value::Kind::Bool;
    if (b.op == "==") v.boolean = c == 0;
    else if (b.op == "!=") v.boolean = c != 0;
    else if (b.op == "<") v.boolean = c < 0;
    else if (b.op == "<=") v.boolean = c <= 0;
    else if (b.op == ">") v.boolean = c > 0;
    else if (b.op == ">=") v.boolean = c >= 0;
    else {
      v.kind = Value::Kind::Error;
      diags_.report(DiagKind::TypeMismatch, b.range, fmt::format("operands that `{}` accepts", b.op), "two amounts; multiply or divide by a plain number");
    }
    return v;
  }
  // One side is a plain integer: it scales the amount.
  const Amount &a = la ? *la : *ra;
  int64_t k = la ? r.integer : l.integer;
  if (b.op == "*") return finish(a.value * k, a.format);
  if (b.op == "/" && la) {
    if (k == 0) {
      diags_.report(DiagKind::TypeMismatch, r.range, "a non-zero divisor", describe(r));
      return v;
    }
    if (a.value % k != 0) {
      diags_.report(DiagKind::TypeMismatch, b.range, "a division without remainder", fmt::format("`{}` / {}", la ? l.text : r.text, k));
      return v;
    }
    return finish(a.value / k, a.format);
  }
  diags_.report(DiagKind::TypeMismatch, b.range, fmt::format("operands that `{}` accepts", b.op), describe(l) + " and " + describe(r));
  return v;
}

// ---------------------------------------------------------------- extraction

std::optional<std::string> Extractor::string(const Value &v, llvm::StringRef what) {
  if (v.kind == Value::Kind::String) return v.text;
  if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("a string for {}", what.str()), describe(v));
  return std::nullopt;
}

std::optional<int64_t> Extractor::integer(const Value &v, llvm::StringRef what, int64_t min, int64_t max) {
  if (v.kind != Value::Kind::Int) {
    if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("an integer for {}", what.str()), describe(v));
    return std::nullopt;
  }
  if (v.integer < min || v.integer > max) {
    diags_.report(DiagKind::ValueOutOfRange, v.range, what.str(), min, max, v.integer);
    return std::nullopt;
  }
  return v.integer;
}

std::optional<bool> Extractor::boolean(const Value &v, llvm::StringRef what) {
  if (v.kind == Value::Kind::Bool) return v.boolean;
  if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("`true` or `false` for {}", what.str()), describe(v));
  return std::nullopt;
}

std::optional<Quantity> Extractor::quantity(const Value &v, llvm::StringRef resource) {
  if (v.kind == Value::Kind::Int || v.kind == Value::Kind::Number || v.kind == Value::Kind::String)
    return quantityText(v.text, v.range, resource);
  if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("a quantity for `{}`", resource.str()), describe(v));
  return std::nullopt;
}

const QuantityParseResult &Extractor::parsedQuantity(llvm::StringRef text) {
  size_t slot = text.empty() ? 0
                             : (text.size() * 7 + static_cast<unsigned char>(text.front()) * 3 +
                                static_cast<unsigned char>(text.back())) % recentQuantities_.size();
  if (const QuantityEntry *e = recentQuantities_[slot]; e && e->getKey() == text) return e->getValue();
  auto [cached, fresh] = quantityCache_.try_emplace(text);
  if (fresh) cached->second = parseQuantity(text);
  recentQuantities_[slot] = &*cached;
  return cached->second;
}

std::optional<Quantity> Extractor::quantityText(llvm::StringRef text, SourceRange range, llvm::StringRef resource) {
  const QuantityParseResult &q = parsedQuantity(text);
  if (!q.value) {
    Diagnostic &d = diags_.report(DiagKind::InvalidQuantity, range, text, q.error);
    if (!q.suggestion.empty()) d.note(q.suggestion);
    return std::nullopt;
  }
  if (q.value->milli < 0) {
    diags_.report(DiagKind::NegativeQuantity, range, resource.str());
    return std::nullopt;
  }
  if (q.roundedUp) diags_.report(DiagKind::QuantityRoundedUp, range, text, q.value->canonical());
  return q.value;
}

std::optional<int64_t> Extractor::durationSeconds(const Value &v, llvm::StringRef what) {
  if (v.kind == Value::Kind::Int) {
    diags_.report(DiagKind::MissingUnit, v.range, v.text, what.str())
        .fix(SourceRange{v.range.file, v.range.end, v.range.end}, "s")
        .note(fmt::format("write `{}s` for {} seconds", v.integer, v.integer));
    return std::nullopt;
  }
  if (v.kind != Value::Kind::Number) {
    if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("a duration for {}", what.str()), describe(v));
    return std::nullopt;
  }
  // Sums of units are allowed: 1h30m, 90s, 2m.
  llvm::StringRef t(v.text);
  if (t.startswith("-")) {
    diags_.report(DiagKind::NegativeQuantity, v.range, what.str());
    return std::nullopt;
  }
  int64_t total = 0;
  bool any = false;
  while (!t.empty()) {
    size_t digits = t.find_if_not([](char c) { return c >= '0' && c <= '9'; });
    if (digits == 0 || digits == llvm::StringRef::npos) break;
    int64_t n = 0;
    if (t.substr(0, digits).getAsInteger(10, n)) break;
    t = t.drop_front(digits);
    int64_t unit = 0;
    if (t.consume_front("h")) unit = 3600;
    else if (t.startswith("ms")) break; // sub-second durations do not exist in these fields
    else if (t.consume_front("m")) unit = 60;
    else if (t.consume_front("s")) unit = 1;
    else break;
    if (__builtin_mul_overflow(n, unit, &n) || __builtin_add_overflow(total, n, &total)) break;
    any = true;
  }
  if (!any || !t.empty()) {
    diags_.report(DiagKind::InvalidDuration, v.range, v.text);
    return std::nullopt;
  }
  return total;
}

std::optional<std::vector<std::string>> Extractor::stringList(const Value &v, llvm::StringRef what) {
  if (v.kind != Value::Kind::List) {
    if (!v.isError()) {
      Diagnostic &d = diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("a list of strings for {}", what.str()), describe(v));
      if (v.kind == Value::Kind::String) d.fix(v.range, "[\"" + v.text + "\"]");
    }
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const Value &x : v.items) {
    if (x.kind == Value::Kind::String) out.push_back(x.text);
    else if (x.kind == Value::Kind::Int || x.kind == Value::Kind::Number) out.push_back(x.text);
    else {
      if (!x.isError()) diags_.report(DiagKind::TypeMismatch, x.range, fmt::format("a string in {}", what.str()), describe(x));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> Extractor::oneOf(const Value &v, llvm::StringRef what, llvm::ArrayRef<llvm::StringRef> allowed) {
  if (v.kind != Value::Kind::String && v.kind != Value::Kind::Symbol) {
    if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("one of the values of {}", what.str()), describe(v));
    return std::nullopt;
  }
  for (llvm::StringRef a : allowed)
    if (a == v.text) return v.text;
  std::string list;
  for (size_t i = 0; i < allowed.size(); ++i) list += (i ? ", `" : "`") + allowed[i].str() + "`";
  Diagnostic &d = diags_.report(DiagKind::InvalidEnumValue, v.range, v.text, what.str(), list);
  std::string close = closestMatch(v.text, allowed);
  if (!close.empty()) {
    d.note(fmt::format("did you mean `{}`?", close));
    d.fix(v.range, v.kind == Value::Kind::String ? "\"" + close + "\"" : close);
  }
  return std::nullopt;
}

} // namespace rig::sema
