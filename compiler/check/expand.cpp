#include "compiler/check/expand.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "compiler/check/values.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

namespace rig::sema {

using llvm::cast;
using llvm::dyn_cast;

namespace {

constexpr llvm::StringRef kTypeNames[] = {"string", "int", "number", "bool", "quantity", "duration", "list", "map", "any"};

struct TemplateRef {
  const ast::TemplateDecl *decl = nullptr;
  size_t module = 0;
  std::string name; // as visible in the importing module: `web`, `sc.istio_proxy`
};

// What one file defines: its own `let`s and templates under their names,
// and those of the modules it imports under `alias.name`.
struct ModuleEnv {
  Scope values;
  std::map<std::string, TemplateRef, std::less<>> templates;
  std::map<std::string, size_t, std::less<>> aliases;
  std::map<std::string, const ast::ImportDecl *, std::less<>> aliasDecls;
  std::set<std::string, std::less<>> usedAliases;
  enum class State { Todo, Building, Done } state = State::Todo;
};

// Names bound inside a file: loop variables, template parameters, `let`s in
// bodies. A frame without a parent sees its module's names.
struct Frame {
  const Frame *parent = nullptr;
  size_t module = 0;
  Scope vars;
};

std::string typeText(const ast::TypeRef &t) {
  return t.element ? t.name.name + "[" + typeText(*t.element) + "]" : t.name.name;
}

// Whether anything in these items needs expansion; files without any are
// used as they are, which keeps plain programs on the fast path.
bool needsExpansion(const std::vector<ast::ItemPtr> &items) {
  for (const ast::ItemPtr &it : items) {
    switch (it->kind) {
    case ast::ItemKind::Import:
    case ast::ItemKind::Let:
    case ast::ItemKind::Template:
    case ast::ItemKind::For:
    case ast::ItemKind::If: return true;
    case ast::ItemKind::Declaration: {
      auto &d = cast<ast::Declaration>(*it);
      if (d.body && needsExpansion(d.body->items)) return true;
      break;
    }
    default: break;
    }
  }
  return false;
}

// How many times a loop runs when that is evident from its text (a range
// of literals or a list literal); 1 otherwise.
size_t staticIterations(const ast::ForItem &f) {
  if (auto *l = dyn_cast<ast::ListExpr>(f.iterable.get())) return l->elements.size();
  if (auto *r = dyn_cast<ast::RangeExpr>(f.iterable.get())) {
    auto *lo = dyn_cast<ast::NumberExpr>(r->lo.get());
    auto *hi = dyn_cast<ast::NumberExpr>(r->hi.get());
    long long a, b;
    if (lo && hi && !llvm::StringRef(lo->text).getAsInteger(10, a) && !llvm::StringRef(hi->text).getAsInteger(10, b) && b >= a)
      return (size_t)std::min<long long>(b - a + 1, kMaxRangeElements);
  }
  return 1;
}

// A lower bound of the items these produce, saturating, so nested loops are
// refused before any of them runs.
size_t countItems(const std::vector<ast::ItemPtr> &items) {
  const size_t kCap = size_t(1) << 50;
  size_t n = 0;
  for (const ast::ItemPtr &it : items) {
    ++n;
    if (auto *d = dyn_cast<ast::Declaration>(it.get()); d && d->body) n += countItems(d->body->items);
    if (auto *f = dyn_cast<ast::ForItem>(it.get()); f && f->body) {
      size_t body = countItems(f->body->items), times = staticIterations(*f);
      n += body && times > kCap / body ? kCap : body * times;
    }
    n = std::min(n, kCap);
  }
  return n;
}

std::string fileStem(llvm::StringRef path) {
  size_t slash = path.rfind('/');
  llvm::StringRef base = slash == llvm::StringRef::npos ? path : path.substr(slash + 1);
  if (base.endswith(".rig")) base = base.drop_back(4);
  return base.str();
}

class Expander {
public:
  Expander(llvm::ArrayRef<const ast::File *> files, const SourceManager &sm, Diagnostics &diags, const CheckOptions &opts)
      : files_(files), sm_(sm), diags_(diags), opts_(opts), envs_(files.size()) {}

  ExpandedProgram run() {
    ExpandedProgram out;
    for (size_t i = 0; i < files_.size(); ++i) buildModule(i);
    for (size_t i = 0; i < files_.size(); ++i) {
      if (isStdlib(i)) continue;
      const ast::File &f = *files_[i];
      if (!needsExpansion(f.items)) {
        out.files.push_back(&f);
        continue;
      }
      auto expanded = std::make_unique<ast::File>();
      expanded->id = f.id;
      Frame top;
      top.module = i;
      topLevel_ = &expanded->items;
      program_ = &out;
      expandItems(f.items, top, expanded->items);
      topLevel_ = nullptr;
      out.files.push_back(expanded.get());
      out.owned.push_back(std::move(expanded));
    }
    reportUnusedImports();
    out.aborted = overBudget_;
    return out;
  }

private:
  bool isStdlib(size_t i) const { return opts_.modules && i < opts_.modules->modules.size() && opts_.modules->modules[i].stdlib; }

  // ---- names

  const Value *lookup(const Frame &f, llvm::StringRef name) {
    for (const Frame *fr = &f; fr; fr = fr->parent)
      if (auto it = fr->vars.find(name); it != fr->vars.end()) return &it->second;
    ModuleEnv &env = envs_[f.module];
    auto it = env.values.find(name);
    if (it == env.values.end()) return nullptr;
    markAliasUsed(env, name);
    return &it->second;
  }

  void markAliasUsed(ModuleEnv &env, llvm::StringRef name) {
    size_t dot = name.find('.');
    if (dot != llvm::StringRef::npos) env.usedAliases.insert(name.substr(0, dot).str());
  }

  Value eval(const ast::Expr &e, const Frame &f) {
    auto find = [&](llvm::StringRef name) { return lookup(f, name); };
    return Evaluator(diags_, find).eval(e);
  }

  // `alias.name` where `alias` is an import but the module has no `name`.
  bool reportMissingMember(const Frame &f, llvm::StringRef dotted, SourceRange range) {
    size_t dot = dotted.find('.');
    if (dot == llvm::StringRef::npos) return false;
    ModuleEnv &env = envs_[f.module];
    llvm::StringRef alias = dotted.substr(0, dot), member = dotted.substr(dot + 1);
    auto a = env.aliases.find(alias);
    if (a == env.aliases.end()) return false;
    env.usedAliases.insert(alias.str());
    ModuleEnv &target = envs_[a->second];
    std::vector<std::string> names;
    for (const auto &[k, v] : target.values)
      if (k.find('.') == std::string::npos) names.push_back(k);
    for (const auto &[k, v] : target.templates)
      if (k.find('.') == std::string::npos) names.push_back(k);
    Diagnostic &d = diags_.report(DiagKind::NotInModule, range, modulePath(a->second), member.str());
    if (std::string close = closestMatch(member, names); !close.empty())
      d.note(fmt::format("did you mean `{}.{}`?", alias.str(), close)).fix(range, alias.str() + "." + close);
    return true;
  }

  std::string modulePath(size_t i) const {
    if (opts_.modules && i < opts_.modules->modules.size()) return opts_.modules->modules[i].path;
    return sm_.name(files_[i]->id).str();
  }

  // ---- types

  bool knownType(const ast::TypeRef &t) {
    if (!llvm::is_contained(kTypeNames, llvm::StringRef(t.name.name))) {
      std::string all;
      for (llvm::StringRef n : kTypeNames) all += (all.empty() ? "`" : ", `") + n.str() + "`";
      Diagnostic &d = diags_.report(DiagKind::UnknownType, t.name.range, t.name.name, all);
      if (std::string close = closestMatch(t.name.name, kTypeNames); !close.empty())
        d.note(fmt::format("did you mean `{}`?", close)).fix(t.name.range, close);
      return false;
    }
    if (t.element && t.name.name != "list") {
      diags_.report(DiagKind::UnknownType, t.range, typeText(t), "an element type only on `list`, e.g. `list[string]`");
      return false;
    }
    return !t.element || knownType(*t.element);
  }

  static bool hasType(const Value &v, const ast::TypeRef &t) {
    const std::string &n = t.name.name;
    if (v.isError() || n == "any") return true;
    if (n == "string") return v.kind == Value::Kind::String;
    if (n == "int") return v.kind == Value::Kind::Int;
    if (n == "bool") return v.kind == Value::Kind::Bool;
    if (n == "number") return v.kind == Value::Kind::Int || v.kind == Value::Kind::Number;
    if (n == "quantity")
      return v.kind == Value::Kind::Int || (v.kind == Value::Kind::Number && parseQuantity(v.text).value.has_value());
    if (n == "duration") {
      if (v.kind != Value::Kind::Number || v.text.size() < 2) return false;
      char u = v.text.back();
      long long x;
      return (u == 's' || u == 'm' || u == 'h') && !llvm::StringRef(v.text).drop_back().getAsInteger(10, x);
    }
    if (n == "map") return v.kind == Value::Kind::Map;
    if (n == "list") {
      if (v.kind != Value::Kind::List) return false;
      if (!t.element) return true;
      return llvm::all_of(v.items, [&](const Value &x) { return hasType(x, *t.element); });
    }
    return false;
  }

  // ---- modules

  void buildModule(size_t i) {
    ModuleEnv &env = envs_[i];
    if (env.state != ModuleEnv::State::Todo) return; // done, or a cycle the loader reported
    env.state = ModuleEnv::State::Building;
    Frame top;
    top.module = i;
    LetsByName lets = letsByName(i);
    size_t letIndex = 0;
    for (const ast::ItemPtr &it : files_[i]->items) {
      if (auto *imp = dyn_cast<ast::ImportDecl>(it.get())) {
        bindImport(i, *imp);
      } else if (auto *l = dyn_cast<ast::LetDecl>(it.get())) {
        size_t current = letIndex++;
        if (l->type && !knownType(*l->type)) continue;
        // A name bound by a later `let` would read as a bare symbol here;
        // say what is wrong instead.
        bool early = false;
        forEachName(*l->value, [&](const ast::NameExpr &n) {
          if (env.values.count(n.name)) return;
          const ast::LetDecl *later = laterLet(lets, current, n.name);
          if (!later) return;
          diags_.report(DiagKind::UndefinedName, n.range, n.name, "yet; its `let` comes later in the file")
              .label(later->name.range, "declared here");
          early = true;
        });
        if (early) {
          envs_[i].values[l->name.name] = Value::error(l->value->range);
          continue;
        }
        Value v = eval(*l->value, top);
        if (l->type && !hasType(v, *l->type)) {
          diags_.report(DiagKind::TypeMismatch, l->value->range, typeText(*l->type), describe(v));
          v = Value::error(l->value->range);
        }
        if (!declareName(env, l->name, "let binding")) continue;
        envs_[i].values[l->name.name] = std::move(v);
      } else if (auto *t = dyn_cast<ast::TemplateDecl>(it.get())) {
        bool ok = true;
        std::set<std::string> seen;
        for (const ast::Param &p : t->params) {
          ok &= knownType(p.type);
          if (!seen.insert(p.name.name).second) {
            diags_.report(DiagKind::DuplicateDeclaration, p.name.range, "parameter", p.name.name);
            ok = false;
          }
        }
        if (!declareName(env, t->name, "template") || !ok) continue;
        envs_[i].templates[t->name.name] = TemplateRef{t, i, t->name.name};
      }
    }
    envs_[i].state = ModuleEnv::State::Done;
  }

  // A file's top-level `let`s by name, each name's in file order (as their
  // index among the file's `let`s). Looked up once per name a `let` reads:
  // scanning the file for each (as before) was quadratic, and 64,000 `let`s
  // each naming the next took half a minute to report.
  using LetsByName = llvm::StringMap<std::vector<std::pair<size_t, const ast::LetDecl *>>>;
  LetsByName letsByName(size_t i) const {
    LetsByName byName;
    size_t index = 0;
    for (const ast::ItemPtr &it : files_[i]->items)
      if (auto *l = dyn_cast<ast::LetDecl>(it.get())) byName[l->name.name].push_back({index++, l});
    return byName;
  }

  // The first top-level `let` of `name` after the `current`-th one, if any.
  static const ast::LetDecl *laterLet(const LetsByName &lets, size_t current, llvm::StringRef name) {
    auto found = lets.find(name);
    if (found == lets.end()) return nullptr;
    auto next = llvm::upper_bound(found->second, current,
                                  [](size_t c, const std::pair<size_t, const ast::LetDecl *> &l) { return c < l.first; });
    return next == found->second.end() ? nullptr : next->second;
  }

  static void forEachName(const ast::Expr &e, llvm::function_ref<void(const ast::NameExpr &)> f) {
    switch (e.kind) {
    case ast::ExprKind::Name: f(cast<ast::NameExpr>(e)); return;
    case ast::ExprKind::String:
      for (const ast::StringPart &p : cast<ast::StringExpr>(e).parts)
        if (p.expr) forEachName(*p.expr, f);
      return;
    case ast::ExprKind::List:
      for (const ast::ExprPtr &x : cast<ast::ListExpr>(e).elements) forEachName(*x, f);
      return;
    case ast::ExprKind::Map:
      for (const ast::MapEntry &m : cast<ast::MapExpr>(e).entries) forEachName(*m.value, f);
      return;
    case ast::ExprKind::Member: forEachName(*cast<ast::MemberExpr>(e).base, f); return;
    case ast::ExprKind::Call:
      for (const ast::Argument &a : cast<ast::CallExpr>(e).args) forEachName(*a.value, f);
      return;
    case ast::ExprKind::Index:
      forEachName(*cast<ast::IndexExpr>(e).base, f);
      forEachName(*cast<ast::IndexExpr>(e).index, f);
      return;
    case ast::ExprKind::Unary: forEachName(*cast<ast::UnaryExpr>(e).operand, f); return;
    case ast::ExprKind::Binary:
      forEachName(*cast<ast::BinaryExpr>(e).lhs, f);
      forEachName(*cast<ast::BinaryExpr>(e).rhs, f);
      return;
    case ast::ExprKind::Range:
      forEachName(*cast<ast::RangeExpr>(e).lo, f);
      forEachName(*cast<ast::RangeExpr>(e).hi, f);
      return;
    case ast::ExprKind::Conditional: {
      auto &c = cast<ast::ConditionalExpr>(e);
      forEachName(*c.cond, f);
      forEachName(*c.then, f);
      forEachName(*c.otherwise, f);
      return;
    }
    default: return;
    }
  }

  bool declareName(ModuleEnv &env, const ast::Ident &name, llvm::StringRef what) {
    if (env.values.count(name.name) || env.templates.count(name.name)) {
      diags_.report(DiagKind::DuplicateDeclaration, name.range, what.str(), name.name);
      return false;
    }
    return true;
  }

  void bindImport(size_t i, const ast::ImportDecl &imp) {
    if (!opts_.modules) {
      diags_.report(DiagKind::ImportNotFound, imp.pathRange, imp.path, "this compilation has no module loader");
      return;
    }
    auto found = opts_.modules->imports.find(&imp);
    if (found == opts_.modules->imports.end()) return; // the loader reported why
    size_t j = found->second;
    std::string alias = imp.alias ? imp.alias->name : fileStem(imp.path);
    SourceRange aliasRange = imp.alias ? imp.alias->range : imp.pathRange;
    ModuleEnv &env = envs_[i];
    if (env.aliases.count(alias)) {
      Diagnostic &d = diags_.report(DiagKind::DuplicateDeclaration, aliasRange, "import alias", alias);
      d.note(fmt::format("give one of them another name with `as`, e.g. `import \"{}\" as {}2`", imp.path, alias));
      return;
    }
    buildModule(j);
    env.aliases[alias] = j;
    env.aliasDecls[alias] = &imp;
    // Only the module's own names are visible, not what it imports itself.
    for (const auto &[name, v] : envs_[j].values)
      if (name.find('.') == std::string::npos) env.values[alias + "." + name] = v;
    for (const auto &[name, t] : envs_[j].templates)
      if (name.find('.') == std::string::npos) env.templates[alias + "." + name] = TemplateRef{t.decl, t.module, alias + "." + name};
  }

  void reportUnusedImports() {
    // Importing a project module brings its objects into the build, so only
    // stdlib imports (definitions only) can be unused.
    for (size_t i = 0; i < files_.size(); ++i) {
      if (isStdlib(i)) continue;
      for (const auto &[alias, imp] : envs_[i].aliasDecls)
        if (!envs_[i].usedAliases.count(alias) && isStdlib(envs_[i].aliases[alias]))
          diags_.report(DiagKind::UnusedImport, imp->range, imp->path).fix(imp->range, "");
    }
  }

  // ---- cloning with substitution

  static ast::ExprPtr symbolExpr(llvm::StringRef dotted, SourceRange r) {
    llvm::SmallVector<llvm::StringRef, 4> parts;
    dotted.split(parts, '.');
    ast::ExprPtr e = std::make_unique<ast::NameExpr>(r, parts[0].str());
    for (size_t k = 1; k < parts.size(); ++k) e = std::make_unique<ast::MemberExpr>(r, std::move(e), ast::Ident{parts[k].str(), r});
    return e;
  }

  // A value as the literal that evaluates to it, at range `r`.
  static ast::ExprPtr literal(const Value &v, SourceRange r) {
    switch (v.kind) {
    case Value::Kind::Error: return std::make_unique<ast::ErrorExpr>(r);
    case Value::Kind::Null: return std::make_unique<ast::NullExpr>(r);
    case Value::Kind::Bool: return std::make_unique<ast::BoolExpr>(r, v.boolean);
    case Value::Kind::Int: return std::make_unique<ast::NumberExpr>(r, std::to_string(v.integer));
    case Value::Kind::Number: return std::make_unique<ast::NumberExpr>(r, v.text);
    case Value::Kind::String: {
      auto s = std::make_unique<ast::StringExpr>(r);
      s->parts.push_back(ast::StringPart{v.text, nullptr, r});
      return s;
    }
    case Value::Kind::Symbol: return symbolExpr(v.text, r);
    case Value::Kind::List: {
      auto l = std::make_unique<ast::ListExpr>(r);
      for (const Value &x : v.items) l->elements.push_back(literal(x, r));
      return l;
    }
    case Value::Kind::Map: {
      auto m = std::make_unique<ast::MapExpr>(r);
      for (const Value::Entry &e : v.entries) m->entries.push_back(ast::MapEntry{ast::Ident{e.key, r}, literal(*e.value, r)});
      return m;
    }
    case Value::Kind::Call: {
      auto c = std::make_unique<ast::CallExpr>(r, symbolExpr(v.text, r));
      for (const Value &x : v.items) c->args.push_back(ast::Argument{std::nullopt, literal(x, r)});
      for (const Value::Entry &e : v.entries) c->args.push_back(ast::Argument{ast::Ident{e.key, r}, literal(*e.value, r)});
      return c;
    }
    }
    return std::make_unique<ast::ErrorExpr>(r);
  }

  ast::ExprPtr cloneExpr(const ast::Expr &e, const Frame &f) {
    switch (e.kind) {
    case ast::ExprKind::Number: return std::make_unique<ast::NumberExpr>(e.range, cast<ast::NumberExpr>(e).text);
    case ast::ExprKind::Bool: return std::make_unique<ast::BoolExpr>(e.range, cast<ast::BoolExpr>(e).value);
    case ast::ExprKind::Null: return std::make_unique<ast::NullExpr>(e.range);
    case ast::ExprKind::Error: return std::make_unique<ast::ErrorExpr>(e.range);
    case ast::ExprKind::String: {
      auto out = std::make_unique<ast::StringExpr>(e.range);
      for (const ast::StringPart &p : cast<ast::StringExpr>(e).parts)
        out->parts.push_back(ast::StringPart{p.text, p.expr ? cloneExpr(*p.expr, f) : nullptr, p.range});
      return out;
    }
    case ast::ExprKind::Name:
    case ast::ExprKind::Member: {
      std::string name;
      if (dottedName(e, name)) {
        if (const Value *v = lookup(f, name)) return literal(*v, e.range);
        if (e.kind == ast::ExprKind::Member && !envs_[f.module].templates.count(name) && reportMissingMember(f, name, e.range))
          return std::make_unique<ast::ErrorExpr>(e.range);
        return symbolExpr(name, e.range);
      }
      auto &m = cast<ast::MemberExpr>(e);
      return std::make_unique<ast::MemberExpr>(e.range, cloneExpr(*m.base, f), m.member);
    }
    case ast::ExprKind::List: {
      auto out = std::make_unique<ast::ListExpr>(e.range);
      for (const ast::ExprPtr &x : cast<ast::ListExpr>(e).elements) out->elements.push_back(cloneExpr(*x, f));
      return out;
    }
    case ast::ExprKind::Map: {
      auto out = std::make_unique<ast::MapExpr>(e.range);
      for (const ast::MapEntry &m : cast<ast::MapExpr>(e).entries) out->entries.push_back(ast::MapEntry{m.key, cloneExpr(*m.value, f)});
      return out;
    }
    case ast::ExprKind::Call: {
      auto &c = cast<ast::CallExpr>(e);
      std::string callee;
      auto out = std::make_unique<ast::CallExpr>(e.range, dottedName(*c.callee, callee) ? symbolExpr(callee, c.callee->range)
                                                                                        : cloneExpr(*c.callee, f));
      for (const ast::Argument &a : c.args) out->args.push_back(ast::Argument{a.name, cloneExpr(*a.value, f)});
      return out;
    }
    case ast::ExprKind::Index: {
      auto &x = cast<ast::IndexExpr>(e);
      return std::make_unique<ast::IndexExpr>(e.range, cloneExpr(*x.base, f), cloneExpr(*x.index, f));
    }
    case ast::ExprKind::Unary: {
      auto &u = cast<ast::UnaryExpr>(e);
      return std::make_unique<ast::UnaryExpr>(e.range, u.op, cloneExpr(*u.operand, f));
    }
    case ast::ExprKind::Binary: {
      auto &b = cast<ast::BinaryExpr>(e);
      return std::make_unique<ast::BinaryExpr>(e.range, b.op, cloneExpr(*b.lhs, f), cloneExpr(*b.rhs, f));
    }
    case ast::ExprKind::Range: {
      auto &r = cast<ast::RangeExpr>(e);
      return std::make_unique<ast::RangeExpr>(e.range, cloneExpr(*r.lo, f), cloneExpr(*r.hi, f));
    }
    case ast::ExprKind::Conditional: {
      auto &c = cast<ast::ConditionalExpr>(e);
      return std::make_unique<ast::ConditionalExpr>(e.range, cloneExpr(*c.cond, f), cloneExpr(*c.then, f), cloneExpr(*c.otherwise, f));
    }
    }
    return std::make_unique<ast::ErrorExpr>(e.range);
  }

  // `"etl-${shard}"` as a declaration's name: names (and dotted names) may
  // be interpolated; anything longer belongs in a `let`.
  std::string interpolateWord(const ast::Word &w, const Frame &f) {
    const std::string &t = w.text;
    std::string out;
    size_t pos = 0;
    while (true) {
      size_t open = t.find("${", pos);
      if (open == std::string::npos) break;
      size_t close = t.find('}', open);
      if (close == std::string::npos) break;
      out += t.substr(pos, open - pos);
      llvm::StringRef name = llvm::StringRef(t).slice(open + 2, close).trim();
      const Value *v = lookup(f, name);
      if (!v) {
        bool plainName = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") ==
                                              llvm::StringRef::npos;
        if (plainName)
          diags_.report(DiagKind::UndefinedName, w.range, name.str(), "here");
        else
          diags_.report(DiagKind::UnsupportedConstruct, w.range,
                        "an expression in a declaration's name (only names may be interpolated there; compute it with `let` first)");
        wordError_ = true;
        return t;
      }
      if (v->isError()) {
        wordError_ = true;
        return t;
      }
      std::optional<std::string> text = interpolationText(*v);
      if (!text) {
        diags_.report(DiagKind::TypeMismatch, w.range, "a string, number or boolean in interpolation", describe(*v));
        wordError_ = true;
        return t;
      }
      out += *text;
      pos = close + 1;
    }
    out += t.substr(pos);
    return out;
  }

  std::vector<ast::WordGroup> cloneWords(const std::vector<ast::WordGroup> &groups, const Frame &f) {
    std::vector<ast::WordGroup> out;
    out.reserve(groups.size());
    for (const ast::WordGroup &g : groups) {
      ast::WordGroup ng;
      for (const ast::Word &w : g) {
        ast::Word nw;
        nw.kind = w.kind;
        nw.range = w.range;
        nw.text = w.kind == ast::Word::Kind::String && w.text.find("${") != std::string::npos ? interpolateWord(w, f) : w.text;
        if (w.index) nw.index = cloneExpr(*w.index, f);
        ng.push_back(std::move(nw));
      }
      out.push_back(std::move(ng));
    }
    return out;
  }

  // ---- items

  bool spend(size_t n, SourceRange where) {
    if (overBudget_) return false;
    if (produced_ + n > opts_.maxExpandedItems) {
      diags_.report(DiagKind::ExpansionTooLarge, where, (unsigned long long)(produced_ + n), (unsigned long long)opts_.maxExpandedItems);
      overBudget_ = true;
      return false;
    }
    produced_ += n;
    return true;
  }

  void expandItems(const std::vector<ast::ItemPtr> &in, Frame &f, std::vector<ast::ItemPtr> &out) {
    for (const ast::ItemPtr &it : in) {
      if (overBudget_) return;
      switch (it->kind) {
      case ast::ItemKind::Import:
        if (f.parent || &out != topLevel_)
          diags_.report(DiagKind::MisplacedDeclaration, it->range, "`import`", "here; imports go at the top level of a file");
        continue; // bound by buildModule
      case ast::ItemKind::Template:
        if (f.parent || &out != topLevel_)
          diags_.report(DiagKind::MisplacedDeclaration, it->range, "a `template`", "here; templates go at the top level of a file");
        continue;
      case ast::ItemKind::Let: {
        if (!f.parent && &out == topLevel_) continue; // a module-level let, bound by buildModule
        auto &l = cast<ast::LetDecl>(*it);
        if (l.type && !knownType(*l.type)) continue;
        Value v = eval(*l.value, f);
        if (l.type && !hasType(v, *l.type)) {
          diags_.report(DiagKind::TypeMismatch, l.value->range, typeText(*l.type), describe(v));
          v = Value::error(l.value->range);
        }
        if (f.vars.count(l.name.name)) {
          diags_.report(DiagKind::DuplicateDeclaration, l.name.range, "let binding", l.name.name);
          continue;
        }
        f.vars[l.name.name] = std::move(v);
        continue;
      }
      case ast::ItemKind::For: expandFor(cast<ast::ForItem>(*it), f, out); continue;
      case ast::ItemKind::If: expandIf(cast<ast::IfItem>(*it), f, out); continue;
      default: break;
      }
      if (!spend(1, it->range)) return;
      std::vector<Instantiation> chain;
      bool top = &out == topLevel_;
      std::vector<Instantiation> *savedChain = chain_;
      int savedParent = parent_;
      if (top) {
        chain_ = &chain;
        parent_ = -1;
      }
      ast::ItemPtr item = expandItem(*it, f);
      if (top) {
        chain_ = savedChain;
        parent_ = savedParent;
      }
      if (!item) continue;
      if (top && !chain.empty()) program_->instantiations[item.get()] = std::move(chain);
      out.push_back(std::move(item));
    }
  }

  void expandFor(const ast::ForItem &loop, const Frame &f, std::vector<ast::ItemPtr> &out) {
    Value it = eval(*loop.iterable, f);
    if (it.isError()) return;
    std::vector<std::pair<Value, Value>> elems; // (first var, second var)
    if (it.kind == Value::Kind::List) {
      for (size_t k = 0; k < it.items.size(); ++k) {
        Value index;
        index.kind = Value::Kind::Int;
        index.integer = (int64_t)k;
        index.range = loop.iterable->range;
        // `for x in list` binds the element; `for i, x in list` the index too.
        if (loop.secondVar) elems.emplace_back(index, it.items[k]);
        else elems.emplace_back(it.items[k], Value());
      }
    } else if (it.kind == Value::Kind::Map) {
      for (const Value::Entry &e : it.entries) {
        Value key;
        key.kind = Value::Kind::String;
        key.text = e.key;
        key.range = e.keyRange;
        elems.emplace_back(key, *e.value);
      }
    } else {
      diags_.report(DiagKind::TypeMismatch, loop.iterable->range, "a list, a range or a map to iterate over", describe(it));
      return;
    }
    // Refuse a comprehension that would blow the budget before building any of it.
    size_t per = std::max<size_t>(1, countItems(loop.body->items));
    if (elems.size() && per > (opts_.maxExpandedItems + 1) / elems.size()) {
      if (!overBudget_)
        diags_.report(DiagKind::ExpansionTooLarge, loop.range, (unsigned long long)(elems.size() * per),
                      (unsigned long long)opts_.maxExpandedItems)
            .note(fmt::format("{} iterations of {} items each", elems.size(), per));
      overBudget_ = true;
      return;
    }
    // Loops that produce nothing still take time: `for i in 0..999999 {
    // for j in 0..999999 { } }` ran 10^12 empty iterations. All loops
    // together may run as many iterations as the budget allows items.
    if (elems.size() > opts_.maxExpandedItems - std::min(iterations_, opts_.maxExpandedItems)) {
      if (!overBudget_)
        diags_.report(DiagKind::LoopTooLong, loop.range, (unsigned long long)(iterations_ + elems.size()),
                      (unsigned long long)opts_.maxExpandedItems);
      overBudget_ = true;
      return;
    }
    iterations_ += elems.size();
    for (auto &[a, b] : elems) {
      Frame child;
      child.parent = &f;
      child.module = f.module;
      child.vars[loop.var.name] = a;
      if (loop.secondVar) child.vars[loop.secondVar->name] = b;
      expandItems(loop.body->items, child, out);
      if (overBudget_) return;
    }
  }

  void expandIf(const ast::IfItem &branch, const Frame &f, std::vector<ast::ItemPtr> &out) {
    Value c = eval(*branch.cond, f);
    if (c.isError()) return;
    if (c.kind != Value::Kind::Bool) {
      diags_.report(DiagKind::TypeMismatch, branch.cond->range, "a boolean condition", describe(c));
      return;
    }
    Frame child;
    child.parent = &f;
    child.module = f.module;
    if (c.boolean) expandItems(branch.then->items, child, out);
    else if (branch.elseIf) expandIf(cast<ast::IfItem>(*branch.elseIf), f, out);
    else if (branch.otherwise) expandItems(branch.otherwise->items, child, out);
  }

  std::unique_ptr<ast::Body> expandBody(const ast::Body &body, const Frame &f) {
    auto out = std::make_unique<ast::Body>();
    out->range = body.range;
    Frame child;
    child.parent = &f;
    child.module = f.module;
    expandItems(body.items, child, out->items);
    return out;
  }

  const TemplateRef *findTemplate(const Frame &f, const ast::Expr &callee) {
    std::string name;
    if (!dottedName(callee, name)) return nullptr;
    ModuleEnv &env = envs_[f.module];
    auto it = env.templates.find(name);
    if (it == env.templates.end()) return nullptr;
    markAliasUsed(env, name);
    return &it->second;
  }

  ast::ItemPtr expandItem(const ast::Item &it, const Frame &f) {
    if (auto *d = dyn_cast<ast::Declaration>(&it)) {
      if (d->value) {
        const ast::Expr *callee = d->value.get();
        const ast::CallExpr *call = dyn_cast<ast::CallExpr>(d->value.get());
        if (call) callee = call->callee.get();
        if (const TemplateRef *t = findTemplate(f, *callee)) return instantiate(*d, call, *t, f);
        std::string name;
        if (call && dottedName(*call->callee, name) && reportMissingMember(f, name, call->callee->range)) return nullptr;
        // Declarations that are only ever made from templates: a call that
        // names no template is a typo, not a value.
        static const llvm::StringRef kTemplateOnly[] = {"pod", "deployment", "statefulset", "daemonset", "job", "cronjob",
                                                        "container", "sidecar", "init", "apparmor", "storage_class",
                                                        "volume_attributes", "claim", "device_class", "node_shape"};
        if (call && dottedName(*call->callee, name) && llvm::is_contained(kTemplateOnly, llvm::StringRef(d->keyword.name))) {
          std::vector<std::string> names;
          for (const auto &[k, t] : envs_[f.module].templates) names.push_back(k);
          Diagnostic &diag = diags_.report(DiagKind::UndefinedName, call->callee->range, name, "as a template");
          if (std::string close = closestMatch(name, names); !close.empty())
            diag.note(fmt::format("did you mean `{}`?", close)).fix(call->callee->range, close);
          return nullptr;
        }
      }
      auto out = std::make_unique<ast::Declaration>(d->range);
      out->keyword = d->keyword;
      wordError_ = false;
      out->words = cloneWords(d->words, f);
      // A name that could not be built would only cause follow-on errors.
      if (wordError_) return nullptr;
      out->after = d->after;
      if (d->value) out->value = cloneExpr(*d->value, f);
      if (d->body) out->body = expandBody(*d->body, f);
      return out;
    }
    if (auto *a = dyn_cast<ast::Attribute>(&it)) {
      auto out = std::make_unique<ast::Attribute>(a->range);
      out->path = a->path;
      out->quotedKey = a->quotedKey;
      out->value = cloneExpr(*a->value, f);
      return out;
    }
    if (auto *r = dyn_cast<ast::FailureRule>(&it)) {
      auto out = std::make_unique<ast::FailureRule>(*r);
      // `in main` where `main` is a bound string (a template parameter):
      // the container it names; an empty string drops `in` (every container).
      if (out->container)
        if (const Value *v = lookup(f, out->container->name); v && v->kind == Value::Kind::String) {
          if (v->text.empty()) out->container.reset();
          else out->container->name = v->text;
        }
      return out;
    }
    return nullptr;
  }

  std::string chainText(int from) const {
    std::vector<std::string> names;
    for (int k = from; k >= 0; k = (*chain_)[(size_t)k].parent) names.push_back((*chain_)[(size_t)k].templateName);
    std::reverse(names.begin(), names.end());
    std::string out;
    for (size_t k = 0; k < names.size() && k < 8; ++k) out += (k ? " → " : "") + names[k];
    if (names.size() > 8) out += " → …";
    return out;
  }

  ast::ItemPtr instantiate(const ast::Declaration &d, const ast::CallExpr *call, const TemplateRef &t, const Frame &f) {
    SourceRange site = call ? call->range : d.value->range;
    const ast::TemplateDecl &decl = *t.decl;
    if (depth_ >= opts_.maxTemplateDepth) {
      diags_.report(DiagKind::TemplateTooDeep, site, opts_.maxTemplateDepth, chainText(parent_) + " → " + t.name)
          .note("templates may use other templates, but not themselves, directly or through others");
      overBudget_ = true; // a runaway recursion: stop expanding altogether
      return nullptr;
    }
    // Arguments are evaluated where the call is written.
    Frame params;
    params.module = t.module;
    bool ok = true;
    size_t positional = 0;
    std::set<std::string> bound;
    if (call) {
      for (const ast::Argument &a : call->args) {
        const ast::Param *p = nullptr;
        if (a.name) {
          auto found = llvm::find_if(decl.params, [&](const ast::Param &q) { return q.name.name == a.name->name; });
          if (found == decl.params.end()) {
            std::vector<std::string> names;
            for (const ast::Param &q : decl.params) names.push_back(q.name.name);
            Diagnostic &diag = diags_.report(DiagKind::UnknownArgument, a.name->range, a.name->name, t.name);
            if (std::string close = closestMatch(a.name->name, names); !close.empty())
              diag.note(fmt::format("did you mean `{}`?", close)).fix(a.name->range, close);
            diag.label(decl.name.range, "template declared here");
            ok = false;
            continue;
          }
          p = &*found;
        } else {
          if (positional >= decl.params.size()) {
            diags_.report(DiagKind::WrongArgumentCount, a.value->range, t.name,
                          fmt::format("{} argument{}", decl.params.size(), decl.params.size() == 1 ? "" : "s"),
                          call->args.size())
                .label(decl.name.range, "template declared here");
            ok = false;
            continue;
          }
          p = &decl.params[positional++];
        }
        if (!bound.insert(p->name.name).second) {
          diags_.report(DiagKind::DuplicateField, a.name ? a.name->range : a.value->range, p->name.name);
          ok = false;
          continue;
        }
        Value v = eval(*a.value, f);
        if (!hasType(v, p->type)) {
          diags_.report(DiagKind::ArgumentTypeMismatch, a.value->range, p->name.name, t.name, typeText(p->type), describe(v))
              .label(p->type.range, "parameter declared here");
          ok = false;
          continue;
        }
        params.vars[p->name.name] = std::move(v);
      }
    }
    // Defaults are evaluated in the template's module, after the arguments
    // given, so a default may use an earlier parameter.
    for (const ast::Param &p : decl.params) {
      if (bound.count(p.name.name)) continue;
      if (!p.defaultValue) {
        diags_.report(DiagKind::MissingArgument, site, t.name, p.name.name, typeText(p.type))
            .label(p.name.range, "parameter declared here")
            .fix(call ? SourceRange{site.file, site.end - 1, site.end - 1} : SourceRange{site.file, site.end, site.end},
                 call ? fmt::format("{}{}: …", call->args.empty() ? "" : ", ", p.name.name) : fmt::format("({}: …)", p.name.name));
        ok = false;
        continue;
      }
      Value v = eval(*p.defaultValue, params);
      if (!hasType(v, p.type)) {
        diags_.report(DiagKind::ArgumentTypeMismatch, p.defaultValue->range, p.name.name, t.name, typeText(p.type), describe(v));
        ok = false;
        continue;
      }
      params.vars[p.name.name] = std::move(v);
    }
    if (!ok) return nullptr;
    if (decl.resultKind && decl.resultKind->name != d.keyword.name) {
      diags_.report(DiagKind::TemplateKindMismatch, d.keyword.range, t.name, decl.resultKind->name, d.keyword.name)
          .label(decl.resultKind->range, "declared here");
      return nullptr;
    }

    int index = -1;
    if (chain_) {
      chain_->push_back(Instantiation{t.name, decl.range, site, parent_});
      index = (int)chain_->size() - 1;
    }
    int savedParent = parent_;
    parent_ = index;
    ++depth_;
    std::vector<ast::ItemPtr> items;
    expandItems(decl.body->items, params, items);
    --depth_;
    parent_ = savedParent;

    if (d.body) {
      Frame child;
      child.parent = &f;
      child.module = f.module;
      std::vector<ast::ItemPtr> overrides;
      expandItems(d.body->items, child, overrides);
      merge(items, std::move(overrides));
    }
    auto out = std::make_unique<ast::Declaration>(d.range);
    out->keyword = d.keyword;
    wordError_ = false;
    out->words = cloneWords(d.words, f);
    if (wordError_) return nullptr;
    out->after = d.after;
    out->body = std::make_unique<ast::Body>();
    out->body->range = d.body ? d.body->range : site;
    out->body->items = std::move(items);
    return out;
  }

  // The identity of a declaration for overriding: its keyword and name.
  static std::string overrideKey(const ast::Declaration &d) {
    const ast::Word *w = d.nameWord();
    return d.keyword.name + (w ? " " + w->text : std::string());
  }

  // Overrides replace what the template set under the same key (an
  // attribute's path, a declaration's keyword and name); declarations with
  // bodies merge recursively; everything else is added.
  void merge(std::vector<ast::ItemPtr> &base, std::vector<ast::ItemPtr> overrides) {
    for (ast::ItemPtr &o : overrides) {
      if (auto *a = dyn_cast<ast::Attribute>(o.get())) {
        std::string key = a->dottedName();
        auto it = llvm::find_if(base, [&](const ast::ItemPtr &b) {
          auto *ba = dyn_cast<ast::Attribute>(b.get());
          return ba && ba->dottedName() == key;
        });
        if (it != base.end()) *it = std::move(o);
        else base.push_back(std::move(o));
        continue;
      }
      if (auto *d = dyn_cast<ast::Declaration>(o.get())) {
        std::string key = overrideKey(*d);
        auto it = llvm::find_if(base, [&](const ast::ItemPtr &b) {
          auto *bd = dyn_cast<ast::Declaration>(b.get());
          return bd && overrideKey(*bd) == key;
        });
        if (it == base.end()) {
          base.push_back(std::move(o));
          continue;
        }
        auto &bd = cast<ast::Declaration>(**it);
        if (d->body && bd.body && !d->value) {
          merge(bd.body->items, std::move(d->body->items));
          if (!d->after.empty()) bd.after = d->after;
          continue;
        }
        *it = std::move(o);
        continue;
      }
      base.push_back(std::move(o));
    }
  }

  llvm::ArrayRef<const ast::File *> files_;
  const SourceManager &sm_;
  Diagnostics &diags_;
  const CheckOptions &opts_;
  std::vector<ModuleEnv> envs_;
  std::vector<ast::ItemPtr> *topLevel_ = nullptr;
  ExpandedProgram *program_ = nullptr;
  std::vector<Instantiation> *chain_ = nullptr;
  int parent_ = -1;
  unsigned depth_ = 0;
  size_t produced_ = 0;
  size_t iterations_ = 0; // of all `for` loops so far, bounded like produced_
  bool overBudget_ = false;
  bool wordError_ = false;
};

bool contains(SourceRange outer, SourceRange inner) {
  return outer.file == inner.file && outer.begin <= inner.begin && inner.end <= outer.end;
}

} // namespace

ExpandedProgram expand(llvm::ArrayRef<const ast::File *> files, const SourceManager &sm, Diagnostics &diags,
                       const CheckOptions &opts) {
  return Expander(files, sm, diags, opts).run();
}

void labelInstantiations(Diagnostics &diags, size_t first, const std::vector<Instantiation> &chain) {
  std::vector<Diagnostic> &all = diags.all();
  for (size_t k = first; k < all.size(); ++k) {
    Diagnostic &d = all[k];
    // The innermost instantiation whose template holds the diagnostic.
    int found = -1;
    for (int i = (int)chain.size() - 1; i >= 0 && found < 0; --i)
      if (contains(chain[(size_t)i].templateRange, d.range)) found = i;
    // A fix inside the template would change it for every user: drop it
    // (the argument at the instantiation is what to change).
    if (found >= 0)
      llvm::erase_if(d.fixits, [&](const FixIt &f) { return contains(chain[(size_t)found].templateRange, f.range); });
    for (int i = found; i >= 0; i = chain[(size_t)i].parent)
      d.label(chain[(size_t)i].site, fmt::format("in `{}`, instantiated here", chain[(size_t)i].templateName));
  }
}

void labelAnyInstantiation(Diagnostics &diags, size_t first, const ExpandedProgram &expanded) {
  std::vector<Diagnostic> &all = diags.all();
  for (size_t k = first; k < all.size(); ++k) {
    Diagnostic &d = all[k];
    std::vector<const Instantiation *> sites;
    for (const auto &[item, chain] : expanded.instantiations)
      for (const Instantiation &i : chain)
        if (contains(i.templateRange, d.range)) sites.push_back(&i);
    // Report order, not map order: stable across runs.
    std::sort(sites.begin(), sites.end(), [](const Instantiation *a, const Instantiation *b) {
      return std::make_tuple(a->site.file.value, a->site.begin) < std::make_tuple(b->site.file.value, b->site.begin);
    });
    if (!sites.empty())
      llvm::erase_if(d.fixits, [&](const FixIt &f) { return contains(sites[0]->templateRange, f.range); });
    for (size_t i = 0; i < sites.size() && i < 3; ++i)
      d.label(sites[i]->site, fmt::format("in `{}`, instantiated here", sites[i]->templateName));
    if (sites.size() > 3) d.note(fmt::format("and {} more instantiations", sites.size() - 3));
  }
}

} // namespace rig::sema
