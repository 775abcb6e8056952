#include "lsp/symbols.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "compiler/check/schema.h"
#include "compiler/k8s/names.h"
#include "compiler/parse/parse.h"
#include "llvm/ADT/StringExtras.h"

namespace rig::lsp {

namespace {

using Scope = std::map<std::string, size_t>;

bool isWorkloadKeyword(llvm::StringRef k) {
  for (llvm::StringRef w : sema::workloadKeywords())
    if (w == k) return true;
  return false;
}
bool isContainerKeyword(llvm::StringRef k) { return k == "container" || k == "sidecar" || k == "init"; }
// Top-level declarations whose name other declarations refer to.
bool isNamedObjectKeyword(llvm::StringRef k) {
  static const std::set<std::string> kinds = {"storage_class", "volume_attributes", "claim", "apparmor",
                                              "device_class", "node_shape", "gpu_claim", "cluster"};
  return kinds.count(k.str()) > 0;
}

} // namespace

// Builds a SymbolIndex in two passes: the names every file declares at its
// top level (so uses may come before declarations and across imports), then
// a walk of every file with its scopes that records each occurrence.
class IndexBuilder {
public:
  IndexBuilder(SymbolIndex &idx, const Compilation &c) : idx_(idx), c_(c) {}

  void build() {
    for (size_t i = 0; i < c_.files.size(); ++i) {
      const ast::File &f = c_.files[i];
      if (i < c_.modules.modules.size() && c_.modules.modules[i].stdlib) idx_.stdlibFiles_.push_back(f.id);
      declareFileLevel(f);
    }
    markContainerParams();
    for (const ast::File &f : c_.files) walkFile(f);
    std::sort(idx_.occurrences_.begin(), idx_.occurrences_.end(), [](const Occurrence &a, const Occurrence &b) {
      return std::tie(a.range.file, a.range.begin, a.range.end) < std::tie(b.range.file, b.range.begin, b.range.end);
    });
    auto same = [](const Occurrence &a, const Occurrence &b) {
      return a.range.file == b.range.file && a.range.begin == b.range.begin && a.range.end == b.range.end;
    };
    idx_.occurrences_.erase(std::unique(idx_.occurrences_.begin(), idx_.occurrences_.end(), same), idx_.occurrences_.end());
  }

private:
  Scope *newScope() {
    idx_.scopes_.push_back(std::make_unique<Scope>());
    return idx_.scopes_.back().get();
  }
  bool inStdlib(FileId f) const {
    return std::find(idx_.stdlibFiles_.begin(), idx_.stdlibFiles_.end(), f) != idx_.stdlibFiles_.end();
  }

  size_t add(Symbol s, Scope *scope) {
    s.stdlib = inStdlib(s.decl.file);
    s.scope = scope;
    idx_.symbols_.push_back(std::move(s));
    size_t id = idx_.symbols_.size() - 1;
    const Symbol &sym = idx_.symbols_[id];
    if (scope) scope->emplace(sym.name, id); // the first declaration wins, as duplicate errors say
    if (sym.kind != Symbol::Kind::Module) idx_.occurrences_.push_back({sym.decl, id, true});
    switch (sym.kind) {
    case Symbol::Kind::Let: case Symbol::Kind::Template: case Symbol::Kind::Param: case Symbol::Kind::ForVar:
    case Symbol::Kind::Object: case Symbol::Kind::Workload: case Symbol::Kind::Alias:
      idx_.valueNames_[sym.decl.file].push_back(sym.name);
      break;
    default: break;
    }
    return id;
  }
  void use(SourceRange r, size_t symbol, bool dashed = false) {
    if (r.valid()) idx_.occurrences_.push_back({r, symbol, false, dashed});
  }
  // `claim("name")`: a claim of the build by its name or Kubernetes name.
  void claimByString(const ast::StringExpr &str) {
    if (!str.isPlain() || str.range.end < str.range.begin + 2) return;
    std::string text = str.plainText();
    for (const auto &[file, objects] : objects_) {
      if (inStdlib(file)) continue;
      for (const auto &[name, id] : *objects) {
        const Symbol &sym = idx_.symbols_[id];
        if (sym.keyword != "claim") continue;
        std::string dashedName = name;
        std::replace(dashedName.begin(), dashedName.end(), '_', '-');
        if (text == name || text == dashedName) {
          use({str.range.file, str.range.begin + 1, str.range.end - 1}, id, text != name);
          return;
        }
      }
    }
  }

  // A declaration's name word as a symbol, if it has a usable one.
  std::optional<Symbol> nameSymbol(const ast::Declaration &d, Symbol::Kind kind) {
    const ast::Word *w = d.nameWord();
    if (!w || w->text.empty() || w->index) return std::nullopt;
    Symbol s;
    s.kind = kind;
    s.name = w->text;
    s.keyword = d.keyword.name;
    s.decl = w->range;
    if (w->kind == ast::Word::Kind::String) {
      s.stringName = true;
      llvm::StringRef raw = c_.sources.text(w->range.file).slice(w->range.begin, w->range.end);
      // An interpolated name is a pattern, not one name; an escaped one would
      // need re-escaping: neither is offered for rename.
      if (raw.contains("${") || raw.contains('\\')) s.renameable = false;
    } else if (llvm::StringRef(w->text).contains('.')) {
      return std::nullopt; // a dotted word is a path, not a declared name
    }
    return s;
  }

  void declareFileLevel(const ast::File &f) {
    Scope *values = values_[f.id] = newScope();
    Scope *objects = objects_[f.id] = newScope();
    for (const ast::ItemPtr &it : f.items) {
      if (auto *l = llvm::dyn_cast<ast::LetDecl>(it.get())) {
        add({Symbol::Kind::Let, l->name.name, "let", l->name.range}, values);
      } else if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(it.get())) {
        size_t id = add({Symbol::Kind::Template, t->name.name, "template", t->name.range}, values);
        Scope *params = params_[id] = newScope();
        for (const ast::Param &p : t->params) add({Symbol::Kind::Param, p.name.name, "parameter", p.name.range}, params);
        if (t->body) {
          Ctx declaring;
          declaring.file = f.id;
          declaring.containers = templateContainers_[id] = newScope();
          declareContainers(*t->body, declaring);
        }
      } else if (auto *im = llvm::dyn_cast<ast::ImportDecl>(it.get())) {
        declareImport(f, *im);
      } else if (auto *d = llvm::dyn_cast<ast::Declaration>(it.get())) {
        bool workload = isWorkloadKeyword(d->keyword.name);
        if (!workload && !isNamedObjectKeyword(d->keyword.name)) continue;
        if (auto s = nameSymbol(*d, workload ? Symbol::Kind::Workload : Symbol::Kind::Object)) add(*s, objects);
      }
    }
  }

  void declareImport(const ast::File &f, const ast::ImportDecl &im) {
    auto target = c_.modules.imports.find(&im);
    if (target == c_.modules.imports.end() || target->second >= c_.files.size()) return;
    FileId to = c_.files[target->second].id;
    // The path names the module: a jump to the file's start.
    size_t module = add({Symbol::Kind::Module, im.path, "import", SourceRange{to, 0, 0}}, nullptr);
    idx_.symbols_[module].renameable = false;
    use(im.pathRange, module);
    Symbol alias{Symbol::Kind::Alias, "", "import", {}};
    if (im.alias) {
      alias.name = im.alias->name;
      alias.decl = im.alias->range;
    } else {
      // The implicit alias is the file's stem; renaming it means adding `as`.
      alias.name = std::filesystem::path(im.path).stem().string();
      alias.decl = im.pathRange;
      alias.renameable = false;
    }
    Scope *aliases = aliasScope(f.id);
    size_t id = add(alias, aliases);
    aliasTargets_[id] = to;
    if (!im.alias) idx_.occurrences_.pop_back(); // the path already stands for the module
  }
  Scope *aliasScope(FileId f) {
    Scope *&s = aliasScopes_[f];
    if (!s) s = newScope();
    return s;
  }

  // ------------------------------------------------------------ the walk

  struct Ctx {
    FileId file;
    std::vector<const Scope *> lexical; // innermost last
    Scope *containers = nullptr, *volumes = nullptr, *gpus = nullptr, *ports = nullptr;
    // Containers of the template a workload is made from: a container of the
    // same name in the workload overrides (merges into) that one, so it is a
    // use of the template's container, not a new one.
    const Scope *inherited = nullptr;
    bool containersDeclared = false; // a template's, declared in the first pass
  };

  std::optional<size_t> lookupValue(const Ctx &ctx, llvm::StringRef name) const {
    for (auto it = ctx.lexical.rbegin(); it != ctx.lexical.rend(); ++it)
      if (auto f = (*it)->find(name.str()); f != (*it)->end()) return f->second;
    const Scope *objects = objects_.at(ctx.file);
    if (auto f = objects->find(name.str()); f != objects->end()) return f->second;
    // Top-level declarations (profiles, claims, classes) are one namespace
    // across the build's project files: `apparmor = p` may name a profile
    // declared in another file of the project.
    for (const auto &[file, other] : objects_)
      if (file != ctx.file && !inStdlib(file))
        if (auto f = other->find(name.str()); f != other->end()) return f->second;
    return std::nullopt;
  }
  static std::optional<size_t> lookupIn(const Scope *s, llvm::StringRef name) {
    if (!s) return std::nullopt;
    auto f = s->find(name.str());
    return f == s->end() ? std::nullopt : std::optional<size_t>(f->second);
  }
  // The module an alias names in this file, with the alias's symbol.
  std::optional<std::pair<size_t, FileId>> lookupAlias(FileId file, llvm::StringRef name) const {
    auto s = aliasScopes_.find(file);
    if (s == aliasScopes_.end()) return std::nullopt;
    auto f = s->second->find(name.str());
    if (f == s->second->end()) return std::nullopt;
    return std::make_pair(f->second, aliasTargets_.at(f->second));
  }

  void walkFile(const ast::File &f) {
    Ctx ctx;
    ctx.file = f.id;
    ctx.lexical.push_back(values_.at(f.id));
    for (const ast::ItemPtr &it : f.items) walkItem(*it, ctx, /*topLevel=*/true);
  }

  // A template's containers, declared before any workload made from it is walked.
  void declareContainers(const ast::Body &body, Ctx &ctx) {
    for (const ast::ItemPtr &it : body.items) {
      if (auto *d = llvm::dyn_cast<ast::Declaration>(it.get()); d && isContainerKeyword(d->keyword.name)) {
        if (auto s = nameSymbol(*d, Symbol::Kind::Container)) add(*s, ctx.containers);
      } else if (auto *fo = llvm::dyn_cast<ast::ForItem>(it.get()); fo && fo->body) {
        declareContainers(*fo->body, ctx);
      } else if (auto *i = llvm::dyn_cast<ast::IfItem>(it.get())) {
        for (const ast::IfItem *cur = i; cur; cur = llvm::dyn_cast_or_null<ast::IfItem>(cur->elseIf.get())) {
          if (cur->then) declareContainers(*cur->then, ctx);
          if (cur->otherwise) declareContainers(*cur->otherwise, ctx);
        }
      }
    }
  }

  // Declares the names a body's items introduce into `ctx`'s scopes,
  // through `for` and `if` bodies (generated items belong to the block).
  void declareBody(const ast::Body &body, Ctx &ctx, Scope *lets) {
    for (const ast::ItemPtr &it : body.items) {
      if (auto *l = llvm::dyn_cast<ast::LetDecl>(it.get())) {
        add({Symbol::Kind::Let, l->name.name, "let", l->name.range}, lets);
      } else if (auto *d = llvm::dyn_cast<ast::Declaration>(it.get())) {
        llvm::StringRef k = d->keyword.name;
        Symbol::Kind kind;
        Scope *scope = nullptr;
        if (isContainerKeyword(k)) {
          if (ctx.containersDeclared) continue;
          const ast::Word *w = d->nameWord();
          if (auto base = w && ctx.inherited && ctx.containers ? lookupIn(ctx.inherited, w->text) : std::nullopt) {
            ctx.containers->emplace(w->text, *base);
            use(w->range, *base);
            continue;
          }
          kind = Symbol::Kind::Container, scope = ctx.containers;
        }
        else if (k == "volume" || k == "claim_template") kind = Symbol::Kind::Volume, scope = ctx.volumes;
        else if (k == "gpus") kind = Symbol::Kind::Gpus, scope = ctx.gpus;
        else if (k == "port") kind = Symbol::Kind::Port, scope = ctx.ports;
        else continue;
        if (!scope) continue;
        if (auto s = nameSymbol(*d, kind)) add(*s, scope);
      } else if (auto *fo = llvm::dyn_cast<ast::ForItem>(it.get())) {
        if (fo->body) declareBody(*fo->body, ctx, lets);
      } else if (auto *i = llvm::dyn_cast<ast::IfItem>(it.get())) {
        for (const ast::IfItem *cur = i; cur; cur = llvm::dyn_cast_or_null<ast::IfItem>(cur->elseIf.get())) {
          if (cur->then) declareBody(*cur->then, ctx, lets);
          if (cur->otherwise) declareBody(*cur->otherwise, ctx, lets);
        }
      }
    }
  }

  enum class Opens { Block, Workload, Container, Template };
  void walkBody(const ast::Body *body, Ctx ctx, Opens opens, const Scope *extra = nullptr,
                const std::function<void(const Ctx &)> &declared = nullptr, Scope *prebuilt = nullptr,
                const Scope *inherited = nullptr) {
    if (!body) return;
    ctx.inherited = nullptr;
    ctx.containersDeclared = false;
    if (opens == Opens::Workload || opens == Opens::Template) {
      ctx.containers = prebuilt ? prebuilt : newScope();
      ctx.containersDeclared = prebuilt != nullptr;
      ctx.inherited = inherited;
      ctx.volumes = newScope();
      ctx.gpus = newScope();
    }
    if (opens == Opens::Container || opens == Opens::Template) ctx.ports = newScope();
    if (extra) ctx.lexical.push_back(extra);
    Scope *lets = newScope();
    ctx.lexical.push_back(lets);
    declareBody(*body, ctx, lets);
    if (declared) declared(ctx);
    for (const ast::ItemPtr &it : body->items) walkItem(*it, ctx, false);
  }

  void walkItem(const ast::Item &item, Ctx &ctx, bool topLevel) {
    if (auto *l = llvm::dyn_cast<ast::LetDecl>(&item)) {
      walkExpr(l->value.get(), ctx);
    } else if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(&item)) {
      const Scope *params = nullptr;
      if (auto id = lookupIn(values_.at(ctx.file), t->name.name); id && params_.count(*id)) params = params_.at(*id);
      for (const ast::Param &p : t->params) walkExpr(p.defaultValue.get(), ctx);
      Scope *containers = nullptr;
      if (auto id = lookupIn(values_.at(ctx.file), t->name.name); id && templateContainers_.count(*id))
        containers = templateContainers_.at(*id);
      walkBody(t->body.get(), ctx, Opens::Template, params, nullptr, containers);
    } else if (auto *fo = llvm::dyn_cast<ast::ForItem>(&item)) {
      walkExpr(fo->iterable.get(), ctx);
      Scope *vars = newScope();
      add({Symbol::Kind::ForVar, fo->var.name, "for", fo->var.range}, vars);
      if (fo->secondVar) add({Symbol::Kind::ForVar, fo->secondVar->name, "for", fo->secondVar->range}, vars);
      // The loop's items were declared into the enclosing block already.
      Ctx inner = ctx;
      inner.lexical.push_back(vars);
      walkItems(fo->body.get(), inner);
    } else if (auto *i = llvm::dyn_cast<ast::IfItem>(&item)) {
      walkExpr(i->cond.get(), ctx);
      walkItems(i->then.get(), ctx);
      walkItems(i->otherwise.get(), ctx);
      if (i->elseIf) walkItem(*i->elseIf, ctx, topLevel);
    } else if (auto *r = llvm::dyn_cast<ast::FailureRule>(&item)) {
      if (r->container) {
        // `in NAME`: a container, or in a template a string parameter holding one.
        if (auto id = lookupIn(ctx.containers, r->container->name)) use(r->container->range, *id);
        else if (auto v = lookupValue(ctx, r->container->name)) use(r->container->range, *v);
      }
    } else if (auto *a = llvm::dyn_cast<ast::Attribute>(&item)) {
      walkExpr(a->value.get(), ctx);
    } else if (auto *d = llvm::dyn_cast<ast::Declaration>(&item)) {
      walkDeclaration(*d, ctx, topLevel);
    }
  }
  // Items of a `for`/`if` body: their names are already declared outside.
  void walkItems(const ast::Body *body, Ctx &ctx) {
    if (!body) return;
    for (const ast::ItemPtr &it : body->items) walkItem(*it, ctx, false);
  }

  void walkDeclaration(const ast::Declaration &d, Ctx &ctx, bool topLevel) {
    llvm::StringRef k = d.keyword.name;
    // Words that name something declared elsewhere.
    const ast::Word *prev = nullptr;
    bool first = true;
    for (const ast::WordGroup &g : d.words)
      for (const ast::Word &w : g) {
        walkExpr(w.index.get(), ctx);
        if (w.kind == ast::Word::Kind::String) interpolations(w.range, ctx);
        if (w.kind == ast::Word::Kind::Name && !w.index) {
          std::optional<size_t> target;
          if (first && k == "mount") target = lookupIn(ctx.volumes, w.text);
          else if (k == "uses" && &w == &g.front()) target = lookupIn(ctx.gpus, w.text); // `uses a, b`
          else if (prev && prev->kind == ast::Word::Kind::Name && prev->text == "port") target = lookupIn(ctx.ports, w.text);
          if (target) use(w.range, *target);
        }
        prev = &w;
        first = false;
      }
    for (const ast::Ident &a : d.after)
      if (auto id = lookupIn(ctx.containers, a.name)) use(a.range, *id);
    walkExpr(d.value.get(), ctx);
    Opens opens = Opens::Block;
    if (isWorkloadKeyword(k)) opens = Opens::Workload;
    else if (isContainerKeyword(k)) opens = Opens::Container;
    (void)topLevel;
    // `job j = f.exit_code_convention(main: "worker") { container worker … }`:
    // a string argument for a parameter the template uses as `in PARAM`
    // names one of this workload's containers.
    auto containerArguments = [&](const Ctx &inner) {
      auto *call = llvm::dyn_cast_or_null<ast::CallExpr>(d.value.get());
      std::optional<size_t> t = call ? calleeTemplate(call->callee.get(), ctx) : std::nullopt;
      if (!t) return;
      for (const ast::Argument &a : call->args) {
        auto *str = llvm::dyn_cast_or_null<ast::StringExpr>(a.value.get());
        if (!a.name || !str || !str->isPlain() || str->range.end < str->range.begin + 2) continue;
        auto p = params_.count(*t) ? lookupIn(params_.at(*t), a.name->name) : std::nullopt;
        if (!p || !containerParams_.count(*p)) continue;
        if (auto id = lookupIn(inner.containers, str->plainText()))
          use({str->range.file, str->range.begin + 1, str->range.end - 1}, *id);
      }
    };
    const Scope *inherited = nullptr;
    if (auto *call = llvm::dyn_cast_or_null<ast::CallExpr>(d.value.get()))
      if (auto t = calleeTemplate(call->callee.get(), ctx); t && templateContainers_.count(*t)) inherited = templateContainers_.at(*t);
    if (d.body && opens == Opens::Workload) walkBody(d.body.get(), ctx, opens, nullptr, containerArguments, nullptr, inherited);
    else walkBody(d.body.get(), ctx, opens);
  }

  // Names interpolated into a string word (`deployment "svc-${name}"`),
  // split as the parser splits string literals.
  void interpolations(SourceRange r, const Ctx &ctx) {
    llvm::StringRef raw = c_.sources.text(r.file).slice(r.begin, r.end);
    if (raw.size() < 2 || !raw.contains("${")) return;
    std::vector<StringPiece> pieces;
    splitStringLiteral(raw.drop_front().drop_back(), pieces);
    for (const StringPiece &p : pieces) {
      if (!p.interpolation) continue;
      llvm::StringRef code = raw.drop_front().slice(p.begin, p.end);
      size_t lead = code.size() - code.ltrim().size();
      llvm::StringRef name = code.trim();
      if (!isIdentifier(name)) continue;
      uint32_t b = r.begin + 1 + static_cast<uint32_t>(p.begin + lead);
      if (auto id = lookupValue(ctx, name)) use({r.file, b, b + static_cast<uint32_t>(name.size())}, *id);
    }
  }

  // Parameters a template's failure rules use as `in PARAM`.
  void markContainerParams() {
    for (size_t i = 0; i < c_.files.size(); ++i)
      for (const ast::ItemPtr &it : c_.files[i].items) {
        auto *t = llvm::dyn_cast<ast::TemplateDecl>(it.get());
        if (!t || !t->body) continue;
        auto id = lookupIn(values_.at(c_.files[i].id), t->name.name);
        if (!id || !params_.count(*id)) continue;
        std::function<void(const ast::Body &)> visit = [&](const ast::Body &b) {
          for (const ast::ItemPtr &x : b.items) {
            if (auto *r = llvm::dyn_cast<ast::FailureRule>(x.get()); r && r->container)
              if (auto p = lookupIn(params_.at(*id), r->container->name)) containerParams_.insert(*p);
            if (auto *fo = llvm::dyn_cast<ast::ForItem>(x.get()); fo && fo->body) visit(*fo->body);
            if (auto *ifi = llvm::dyn_cast<ast::IfItem>(x.get())) {
              if (ifi->then) visit(*ifi->then);
              if (ifi->otherwise) visit(*ifi->otherwise);
            }
          }
        };
        visit(*t->body);
      }
  }

  void walkExpr(const ast::Expr *e, const Ctx &ctx) {
    if (!e) return;
    switch (e->kind) {
    case ast::ExprKind::Name: {
      auto *n = llvm::cast<ast::NameExpr>(e);
      if (auto id = lookupValue(ctx, n->name)) use(n->range, *id);
      else if (auto al = lookupAlias(ctx.file, n->name)) use(n->range, al->first);
      break;
    }
    case ast::ExprKind::Member: {
      auto *m = llvm::cast<ast::MemberExpr>(e);
      // `alias.member`: a let or template of the imported module.
      if (auto *base = llvm::dyn_cast<ast::NameExpr>(m->base.get()); base && !lookupValue(ctx, base->name)) {
        if (auto al = lookupAlias(ctx.file, base->name)) {
          use(base->range, al->first);
          if (auto id = lookupIn(values_.at(al->second), m->member.name)) use(m->member.range, *id);
          break;
        }
      }
      walkExpr(m->base.get(), ctx);
      break;
    }
    case ast::ExprKind::Call: {
      auto *call = llvm::cast<ast::CallExpr>(e);
      walkExpr(call->callee.get(), ctx);
      if (auto *callee = llvm::dyn_cast<ast::NameExpr>(call->callee.get());
          callee && callee->name == "claim" && !lookupValue(ctx, "claim") && !call->args.empty() && !call->args[0].name)
        if (auto *str = llvm::dyn_cast_or_null<ast::StringExpr>(call->args[0].value.get())) claimByString(*str);
      // Named arguments name the template's parameters.
      const Scope *params = nullptr;
      if (std::optional<size_t> t = calleeTemplate(call->callee.get(), ctx); t && params_.count(*t)) params = params_.at(*t);
      for (const ast::Argument &a : call->args) {
        if (a.name && params)
          if (auto p = lookupIn(params, a.name->name)) use(a.name->range, *p);
        walkExpr(a.value.get(), ctx);
      }
      break;
    }
    case ast::ExprKind::String:
      for (const ast::StringPart &p : llvm::cast<ast::StringExpr>(e)->parts) walkExpr(p.expr.get(), ctx);
      break;
    case ast::ExprKind::List:
      for (const ast::ExprPtr &x : llvm::cast<ast::ListExpr>(e)->elements) walkExpr(x.get(), ctx);
      break;
    case ast::ExprKind::Map:
      for (const ast::MapEntry &me : llvm::cast<ast::MapExpr>(e)->entries) walkExpr(me.value.get(), ctx);
      break;
    case ast::ExprKind::Index: {
      auto *x = llvm::cast<ast::IndexExpr>(e);
      walkExpr(x->base.get(), ctx);
      walkExpr(x->index.get(), ctx);
      break;
    }
    case ast::ExprKind::Unary: walkExpr(llvm::cast<ast::UnaryExpr>(e)->operand.get(), ctx); break;
    case ast::ExprKind::Binary: {
      auto *b = llvm::cast<ast::BinaryExpr>(e);
      walkExpr(b->lhs.get(), ctx);
      walkExpr(b->rhs.get(), ctx);
      break;
    }
    case ast::ExprKind::Range: {
      auto *r = llvm::cast<ast::RangeExpr>(e);
      walkExpr(r->lo.get(), ctx);
      walkExpr(r->hi.get(), ctx);
      break;
    }
    case ast::ExprKind::Conditional: {
      auto *c = llvm::cast<ast::ConditionalExpr>(e);
      walkExpr(c->cond.get(), ctx);
      walkExpr(c->then.get(), ctx);
      walkExpr(c->otherwise.get(), ctx);
      break;
    }
    default: break;
    }
  }

  std::optional<size_t> calleeTemplate(const ast::Expr *callee, const Ctx &ctx) const {
    std::optional<size_t> id;
    if (auto *n = llvm::dyn_cast_or_null<ast::NameExpr>(callee)) id = lookupValue(ctx, n->name);
    else if (auto *m = llvm::dyn_cast_or_null<ast::MemberExpr>(callee))
      if (auto *base = llvm::dyn_cast<ast::NameExpr>(m->base.get()))
        if (auto al = lookupAlias(ctx.file, base->name)) id = lookupIn(values_.at(al->second), m->member.name);
    if (id && idx_.symbols_[*id].kind == Symbol::Kind::Template) return id;
    return std::nullopt;
  }

  SymbolIndex &idx_;
  const Compilation &c_;
  std::map<FileId, Scope *> values_, objects_, aliasScopes_;
  std::map<size_t, Scope *> params_;       // template symbol -> its parameters
  std::map<size_t, FileId> aliasTargets_;  // alias symbol -> the module's file
  std::set<size_t> containerParams_;       // parameters used as `in PARAM`
  std::map<size_t, Scope *> templateContainers_; // template symbol -> its containers
};

SymbolIndex::SymbolIndex(const Compilation &c) { IndexBuilder(*this, c).build(); }

const Occurrence *SymbolIndex::at(FileId file, uint32_t offset) const {
  // Occurrences do not overlap; the last one starting at or before the cursor.
  auto it = std::upper_bound(occurrences_.begin(), occurrences_.end(), std::make_pair(file, offset),
                             [](const std::pair<FileId, uint32_t> &k, const Occurrence &o) {
                               return std::tie(k.first, k.second) < std::tie(o.range.file, o.range.begin);
                             });
  while (it != occurrences_.begin()) {
    --it;
    if (it->range.file != file) return nullptr;
    if (it->range.begin <= offset && offset <= it->range.end) return &*it;
    if (it->range.end < offset) return nullptr;
  }
  return nullptr;
}

std::vector<Occurrence> SymbolIndex::occurrencesOf(size_t symbol) const {
  std::vector<Occurrence> out;
  for (const Occurrence &o : occurrences_)
    if (o.symbol == symbol) out.push_back(o);
  std::stable_partition(out.begin(), out.end(), [](const Occurrence &o) { return o.declaration; });
  return out;
}

bool SymbolIndex::valueNameIn(FileId file, llvm::StringRef name) const {
  auto it = valueNames_.find(file);
  return it != valueNames_.end() && std::find(it->second.begin(), it->second.end(), name) != it->second.end();
}

bool SymbolIndex::isStdlib(FileId file) const {
  return std::find(stdlibFiles_.begin(), stdlibFiles_.end(), file) != stdlibFiles_.end();
}

SymbolKey keyOf(const Compilation &c, const Symbol &s) {
  std::string file = c.sources.name(s.decl.file).str();
  // Project files are named relative to the working directory; their
  // absolute path identifies them across compilations.
  if (!s.stdlib) {
    std::error_code ec;
    file = std::filesystem::absolute(file, ec).lexically_normal().string();
  }
  // A module is its file, however the import spells its path.
  return {s.stdlib ? "std:" + file : file, s.decl.begin, s.kind == Symbol::Kind::Module ? std::string() : s.name};
}

std::string renamedText(const Occurrence &o, llvm::StringRef newName) {
  std::string out = newName.str();
  if (o.dashed) std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

bool isReservedWord(llvm::StringRef word) {
  static const std::set<std::string> kReserved = {"import", "as",  "let", "template", "for",  "in",    "if",
                                                  "else",   "on",  "exit", "condition", "not", "and",  "or",
                                                  "after",  "true", "false", "null"};
  return kReserved.count(word.str()) > 0;
}

bool isIdentifier(llvm::StringRef w) {
  if (w.empty() || !(llvm::isAlpha(w[0]) || w[0] == '_')) return false;
  for (char ch : w)
    if (!(llvm::isAlnum(ch) || ch == '_')) return false;
  return !isReservedWord(w);
}

std::string invalidNewName(const Symbol &s, llvm::StringRef n) {
  auto quoted = "`" + n.str() + "`";
  if (n.empty()) return "the new name is empty";
  if (!s.stringName) {
    if (isReservedWord(n)) return quoted + " is a reserved word";
    if (!isIdentifier(n))
      return quoted + " is not a name: names are letters, digits and `_`, starting with a letter or `_`" +
             (s.kind == Symbol::Kind::Let || s.kind == Symbol::Kind::Template || s.kind == Symbol::Kind::Param ||
                      s.kind == Symbol::Kind::ForVar || s.kind == Symbol::Kind::Alias
                  ? std::string()
                  : std::string(" (a name that is not one is written as a string where it is declared)"));
  }
  // What becomes a Kubernetes name must be a valid one once `_` is `-`.
  std::string k8s = n.str();
  std::replace(k8s.begin(), k8s.end(), '_', '-');
  std::vector<std::string> errs;
  switch (s.kind) {
  case Symbol::Kind::Container: case Symbol::Kind::Volume: case Symbol::Kind::Gpus: case Symbol::Kind::Workload:
    errs = k8s::validateDns1123Label(k8s);
    break;
  case Symbol::Kind::Port: errs = k8s::validatePortName(k8s); break;
  case Symbol::Kind::Object:
    if (s.keyword != "apparmor") errs = k8s::validateDns1123Subdomain(k8s);
    break;
  default: break;
  }
  if (!errs.empty()) return quoted + " is not a valid Kubernetes name for a " + s.keyword + " (`" + k8s + "`: " + errs.front() + ")";
  return "";
}

} // namespace rig::lsp
