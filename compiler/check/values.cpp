#include "compiler/check/values.h"

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

namespace {
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
} // namespace

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
    unsigned radix = t.size() > 1 && t.front() == '0' && t.find_first_not_of("0123456789") == llvm::StringRef::npos ? 8 : 10;
    if (!t.getAsInteger(radix, n)) {
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
      switch (part.kind) {
      case Value::Kind::String: v.text += part.text; break;
      case Value::Kind::Int: v.text += std::to_string(part.integer); break;
      case Value::Kind::Number: v.text += part.text; break;
      case Value::Kind::Bool: v.text += part.boolean ? "true" : "false"; break;
      case Value::Kind::Error: return Value::error(e.range);
      default:
        diags_.report(DiagKind::TypeMismatch, p.range, "a string, number or boolean in interpolation", describe(part));
        return Value::error(e.range);
      }
    }
    return v;
  }
  case ast::ExprKind::Name: {
    auto &n = cast<ast::NameExpr>(e);
    if (auto it = scope_.find(n.name); it != scope_.end()) {
      Value bound = it->second;
      bound.range = e.range;
      return bound;
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
    return v;
  }
  case ast::ExprKind::Map: {
    v.kind = Value::Kind::Map;
    for (const ast::MapEntry &m : cast<ast::MapExpr>(e).entries) {
      for (const Value::Entry &prev : v.entries)
        if (prev.key == m.key.name) diags_.report(DiagKind::DuplicateField, m.key.range, m.key.name);
      v.entries.push_back({m.key.name, m.key.range, std::make_shared<Value>(eval(*m.value))});
    }
    return v;
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
    return v;
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
  case ast::ExprKind::Index:
  case ast::ExprKind::Range:
  case ast::ExprKind::Conditional:
    diags_.report(DiagKind::UnsupportedConstruct, e.range, "this expression outside a template or comprehension");
    return v;
  }
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
      v.text = l.text + r.text;
      return v;
    }
    if (b.op == "==" || b.op == "!=") {
      v.kind = Value::Kind::Bool;
      v.boolean = (l.text == r.text) == (b.op == "==");
      return v;
    }
  }
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
  std::string text;
  if (v.kind == Value::Kind::Int || v.kind == Value::Kind::Number) text = v.text;
  else if (v.kind == Value::Kind::String) text = v.text;
  else {
    if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("a quantity for `{}`", resource.str()), describe(v));
    return std::nullopt;
  }
  auto [cached, fresh] = quantityCache_.try_emplace(text);
  if (fresh) cached->second = parseQuantity(text);
  const QuantityParseResult &q = cached->second;
  if (!q.value) {
    Diagnostic &d = diags_.report(DiagKind::InvalidQuantity, v.range, text, q.error);
    if (!q.suggestion.empty()) d.note(q.suggestion);
    return std::nullopt;
  }
  if (q.value->milli < 0) {
    diags_.report(DiagKind::NegativeQuantity, v.range, resource.str());
    return std::nullopt;
  }
  if (q.roundedUp) diags_.report(DiagKind::QuantityRoundedUp, v.range, text, q.value->canonical());
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
