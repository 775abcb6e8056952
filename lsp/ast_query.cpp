#include "lsp/ast_query.h"

#include <set>

#include "llvm/ADT/StringExtras.h"

namespace rig::lsp {

using sema::BlockKind;

namespace {

bool contains(SourceRange r, uint32_t offset) { return r.begin <= offset && offset <= r.end; }
// Strictly between the braces: on `{` itself the cursor is still outside.
bool insideBody(const ast::Body *b, uint32_t offset) { return b && b->range.begin < offset && offset < b->range.end; }

constexpr BlockKind kLastKind = BlockKind::GpuRequest;

// The body (and block kind) an item opens around `offset`, if any.
struct Inner {
  const ast::Body *body = nullptr;
  std::optional<BlockKind> kind;
};

Inner innerBody(const ast::Item *item, BlockKind current, uint32_t offset) {
  if (auto *d = llvm::dyn_cast<ast::Declaration>(item)) {
    if (insideBody(d->body.get(), offset)) return {d->body.get(), childBlock(current, d->keyword.name)};
  } else if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(item)) {
    if (insideBody(t->body.get(), offset)) {
      std::optional<BlockKind> k;
      if (t->resultKind) {
        k = childBlock(BlockKind::Workload, t->resultKind->name);
        if (!k) k = childBlock(BlockKind::File, t->resultKind->name);
      }
      return {t->body.get(), k};
    }
  } else if (auto *f = llvm::dyn_cast<ast::ForItem>(item)) {
    if (insideBody(f->body.get(), offset)) return {f->body.get(), current};
  } else if (auto *i = llvm::dyn_cast<ast::IfItem>(item)) {
    for (const ast::IfItem *cur = i; cur; cur = llvm::dyn_cast_or_null<ast::IfItem>(cur->elseIf.get())) {
      if (insideBody(cur->then.get(), offset)) return {cur->then.get(), current};
      if (insideBody(cur->otherwise.get(), offset)) return {cur->otherwise.get(), current};
    }
  }
  return {};
}

std::string fieldDoc(const sema::FieldSpec &f, llvm::StringRef what) {
  std::string s = "**" + f.name.str() + "** (" + what.str() + ")";
  if (!f.type.empty()) s += ": `" + f.type.str() + "`";
  s += "\n\n" + f.doc.str();
  if (!f.k8sField.empty()) s += "\n\nKubernetes: `" + f.k8sField.str() + "`";
  return s;
}

bool isWorkloadKeyword(llvm::StringRef k) {
  for (llvm::StringRef w : sema::workloadKeywords())
    if (w == k) return true;
  return false;
}

template <typename F> void visitItem(const ast::Item &item, const F &f) {
  f(item);
  auto visit = [&](const ast::Body *b) {
    if (b)
      for (const ast::ItemPtr &it : b->items) visitItem(*it, f);
  };
  if (auto *d = llvm::dyn_cast<ast::Declaration>(&item)) visit(d->body.get());
  else if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(&item)) visit(t->body.get());
  else if (auto *fo = llvm::dyn_cast<ast::ForItem>(&item)) visit(fo->body.get());
  else if (auto *i = llvm::dyn_cast<ast::IfItem>(&item)) {
    visit(i->then.get());
    visit(i->otherwise.get());
    if (i->elseIf) visitItem(*i->elseIf, f);
  }
}

// A container's role and, for init containers and sidecars, where it starts.
std::optional<std::string> containerHover(const model::Program &program, const ast::Declaration &d, const ast::Word &name) {
  for (const model::Workload &w : program.workloads) {
    const std::vector<model::Container> &inits = w.pod.initContainers;
    for (size_t i = 0; i < inits.size(); ++i) {
      const model::Container &c = inits[i];
      if (c.nameRange.file != name.range.file || c.nameRange.begin != name.range.begin) continue;
      std::string s = "**" + d.keyword.name + " " + name.text + "** in `" + w.sourceName + "`\n\n";
      s += c.role == model::ContainerRole::Sidecar ? "native sidecar (an init container with restartPolicy: Always)"
                                                   : "init container (runs to completion)";
      s += "\n\nstarts " + std::to_string(i + 1) + " of " + std::to_string(inits.size()) +
           " before the main containers";
      if (i > 0) s += ", after `" + inits[i - 1].sourceName + "`";
      return s;
    }
    for (const model::Container &c : w.pod.containers)
      if (c.nameRange.file == name.range.file && c.nameRange.begin == name.range.begin)
        return "**container " + name.text + "** in `" + w.sourceName + "`\n\nmain container, starts after " +
               std::to_string(inits.size()) + " init containers and sidecars";
  }
  return std::nullopt;
}

bool isNameChar(char c) { return llvm::isAlnum(c) || c == '_' || c == '-'; }

} // namespace

std::optional<BlockKind> childBlock(BlockKind parent, llvm::StringRef keyword) {
  const sema::FieldSpec *c = sema::findChild(sema::blockSpec(parent), keyword);
  if (!c) return std::nullopt;
  if (c->type == "workload") return BlockKind::Workload;
  if (keyword == "security") return parent == BlockKind::Workload ? BlockKind::PodSecurity : BlockKind::Security;
  if (keyword == "capabilities") return BlockKind::Capabilities;
  if (keyword == "apparmor" && parent == BlockKind::File) return BlockKind::AppArmorProfile;
  for (int k = 0; k <= static_cast<int>(kLastKind); ++k)
    if (sema::blockSpec(static_cast<BlockKind>(k)).name == c->type) return static_cast<BlockKind>(k);
  for (int k = 0; k <= static_cast<int>(kLastKind); ++k)
    if (sema::blockSpec(static_cast<BlockKind>(k)).name == keyword) return static_cast<BlockKind>(k);
  return std::nullopt;
}

BlockContext blockAt(const ast::File &file, uint32_t offset) {
  BlockContext ctx;
  const std::vector<ast::ItemPtr> *items = &file.items;
  for (;;) {
    const ast::Item *hit = nullptr;
    for (const ast::ItemPtr &it : *items)
      if (contains(it->range, offset)) {
        hit = it.get();
        break;
      }
    ctx.item = hit;
    if (!hit) return ctx;
    Inner in = innerBody(hit, ctx.kind, offset);
    if (!in.body) return ctx;
    if (in.kind == BlockKind::Workload)
      if (auto *d = llvm::dyn_cast<ast::Declaration>(hit)) ctx.workload = d;
    if (in.kind) ctx.kind = *in.kind;
    else ctx.known = false;
    items = &in.body->items;
  }
}

std::optional<HoverInfo> hoverAt(const ast::File &file, const model::Program *program, uint32_t offset) {
  BlockContext ctx = blockAt(file, offset);
  if (!ctx.item || !ctx.known) return std::nullopt;
  const sema::BlockSpec &spec = sema::blockSpec(ctx.kind);
  if (auto *d = llvm::dyn_cast<ast::Declaration>(ctx.item)) {
    if (contains(d->keyword.range, offset)) {
      if (const sema::FieldSpec *c = sema::findChild(spec, d->keyword.name))
        return HoverInfo{fieldDoc(*c, "in " + spec.name.str()), d->keyword.range};
      return std::nullopt;
    }
    const ast::Word *name = d->nameWord();
    if (name && contains(name->range, offset) && isWorkloadKeyword(d->keyword.name)) {
      std::string s = "**" + d->keyword.name + " " + name->text + "**";
      if (program)
        for (const model::Workload &w : program->workloads)
          if (w.nameRange.file == name->range.file && w.nameRange.begin == name->range.begin) {
            s += "\n\nQoS class: `" + model::qosName(w.pod.qos).str() + "`";
            s += "\n\ncontainers: " + std::to_string(w.pod.containers.size()) +
                 ", init containers and sidecars: " + std::to_string(w.pod.initContainers.size());
          }
      return HoverInfo{s, name->range};
    }
    if (name && contains(name->range, offset) && program &&
        (d->keyword.name == "container" || d->keyword.name == "sidecar" || d->keyword.name == "init"))
      if (std::optional<std::string> s = containerHover(*program, *d, *name)) return HoverInfo{*s, name->range};
    return std::nullopt;
  }
  if (auto *a = llvm::dyn_cast<ast::Attribute>(ctx.item)) {
    if (a->path.empty()) return std::nullopt;
    SourceRange key = SourceRange::join(a->path.front().range, a->path.back().range);
    if (!contains(key, offset)) return std::nullopt;
    const sema::FieldSpec *f = sema::findAttribute(spec, a->dottedName());
    if (!f) f = sema::findAttribute(spec, a->path.front().name);
    if (f) return HoverInfo{fieldDoc(*f, "field of " + spec.name.str()), key};
  }
  return std::nullopt;
}

namespace {

// The names a workload declares with one of `keywords` (containers, volumes).
std::vector<CompletionEntry> workloadNames(const ast::Declaration &workload, std::initializer_list<llvm::StringRef> keywords) {
  std::vector<CompletionEntry> out;
  if (!workload.body) return out;
  std::set<std::string> seen;
  visitItem(workload, [&](const ast::Item &item) {
    auto *d = llvm::dyn_cast<ast::Declaration>(&item);
    if (!d || d == &workload) return;
    const ast::Word *name = d->nameWord();
    for (llvm::StringRef k : keywords)
      if (name && d->keyword.name == k && seen.insert(name->text).second)
        out.push_back({CompletionEntry::Kind::Name, name->text, k.str(), "", name->text});
  });
  return out;
}

// The words of the current line before the cursor.
std::vector<llvm::StringRef> wordsBefore(llvm::StringRef text, uint32_t offset) {
  llvm::StringRef line = text.substr(0, std::min<size_t>(offset, text.size()));
  line = line.substr(line.rfind('\n') + 1);
  llvm::SmallVector<llvm::StringRef, 8> parts;
  line.split(parts, ' ', -1, false);
  std::vector<llvm::StringRef> words;
  for (llvm::StringRef p : parts) {
    p = p.trim(" \t,");
    if (!p.empty()) words.push_back(p);
  }
  // The word being typed is not context.
  if (!line.empty() && isNameChar(line.back()) && !words.empty()) words.pop_back();
  return words;
}

} // namespace

std::vector<CompletionEntry> completionsAt(const ast::File &file, llvm::StringRef text, uint32_t offset) {
  std::vector<CompletionEntry> out;
  BlockContext ctx = blockAt(file, offset);
  if (ctx.workload) {
    std::vector<llvm::StringRef> words = wordsBefore(text, offset);
    auto has = [&](llvm::StringRef w) { return std::find(words.begin(), words.end(), w) != words.end(); };
    bool afterList = has("after") && !has("=") && !has("{");
    bool failureRule = !words.empty() && words.front() == "on" && !words.empty() && words.back() == "in";
    if (afterList || failureRule) return workloadNames(*ctx.workload, {"container", "sidecar", "init"});
    if (words.size() == 1 && words.front() == "mount") return workloadNames(*ctx.workload, {"volume", "claim_template"});
  }
  if (!ctx.known) return out;
  const sema::BlockSpec &spec = sema::blockSpec(ctx.kind);
  std::set<std::string> seen;
  for (const sema::FieldSpec &f : spec.children)
    if (seen.insert(f.name.str()).second)
      out.push_back({CompletionEntry::Kind::Keyword, f.name.str(), f.type.str(), f.doc.str(), f.name.str()});
  for (const sema::FieldSpec &f : spec.attributes)
    if (seen.insert(f.name.str()).second)
      out.push_back({CompletionEntry::Kind::Field, f.name.str(), f.type.str(), f.doc.str(), f.name.str() + " = "});
  if (ctx.kind == BlockKind::File)
    for (const char *k : {"import", "let", "template"})
      if (seen.insert(k).second) out.push_back({CompletionEntry::Kind::Keyword, k, "", "", k});
  // Names in scope: the file's lets and templates.
  for (const ast::ItemPtr &it : file.items) {
    if (auto *l = llvm::dyn_cast<ast::LetDecl>(it.get()); l && seen.insert(l->name.name).second)
      out.push_back({CompletionEntry::Kind::Name, l->name.name, "let", "", l->name.name});
    if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(it.get()); t && seen.insert(t->name.name).second)
      out.push_back({CompletionEntry::Kind::Name, t->name.name, "template", "", t->name.name});
  }
  return out;
}

namespace {

void outlineItems(const std::vector<ast::ItemPtr> &items, std::vector<OutlineSymbol> &out) {
  for (const ast::ItemPtr &it : items) {
    OutlineSymbol s;
    s.range = it->range;
    if (auto *d = llvm::dyn_cast<ast::Declaration>(it.get())) {
      const ast::Word *name = d->nameWord();
      s.name = name ? name->text : d->keyword.name;
      s.detail = d->keyword.name;
      s.selection = name ? name->range : d->keyword.range;
      llvm::StringRef k = d->keyword.name;
      s.kind = isWorkloadKeyword(k) ? OutlineSymbol::Kind::Workload
               : (k == "container" || k == "sidecar" || k == "init") ? OutlineSymbol::Kind::Container
               : d->body ? OutlineSymbol::Kind::Block
                         : OutlineSymbol::Kind::Field;
      if (d->body) outlineItems(d->body->items, s.children);
    } else if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(it.get())) {
      s.name = t->name.name;
      s.detail = t->resultKind ? "template: " + t->resultKind->name : "template";
      s.selection = t->name.range;
      s.kind = OutlineSymbol::Kind::Template;
      if (t->body) outlineItems(t->body->items, s.children);
    } else if (auto *l = llvm::dyn_cast<ast::LetDecl>(it.get())) {
      s.name = l->name.name;
      s.detail = "let";
      s.selection = l->name.range;
      s.kind = OutlineSymbol::Kind::Let;
    } else if (auto *im = llvm::dyn_cast<ast::ImportDecl>(it.get())) {
      s.name = im->path;
      s.detail = im->alias ? "import as " + im->alias->name : "import";
      s.selection = im->pathRange;
      s.kind = OutlineSymbol::Kind::Import;
    } else if (auto *f = llvm::dyn_cast<ast::ForItem>(it.get())) {
      if (f->body) outlineItems(f->body->items, out); // generated items belong to the enclosing block
      continue;
    } else if (auto *i = llvm::dyn_cast<ast::IfItem>(it.get())) {
      if (i->then) outlineItems(i->then->items, out);
      if (i->otherwise) outlineItems(i->otherwise->items, out);
      continue;
    } else {
      continue; // attributes and failure rules are not symbols
    }
    if (s.name.empty()) s.name = s.detail.empty() ? "?" : s.detail; // LSP refuses empty names
    if (!s.selection.valid()) s.selection = s.range;
    out.push_back(std::move(s));
  }
}

} // namespace

std::vector<OutlineSymbol> outline(const ast::File &file) {
  std::vector<OutlineSymbol> out;
  outlineItems(file.items, out);
  return out;
}

} // namespace rig::lsp
