// Go to definition, find references and rename, over the symbol index
// (lsp/symbols.h). Definitions reach imported files and the standard
// library (through its read-only cache copy); references and renames cover
// every open document, the files they import, and the workspace's closed
// files that import the file declaring the name.
#include <algorithm>
#include <filesystem>
#include <set>

#include "lsp/server.h"
#include "lsp/stdlib_cache.h"
#include "lsp/symbols.h"

namespace rig::lsp {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

// LSP's RequestFailed: the request was valid but cannot be carried out.
constexpr int kRequestFailed = -32803;

// The range to edit for an occurrence: inside the quotes of a string name.
SourceRange nameRange(const Symbol &s, const Occurrence &o) {
  SourceRange r = o.range;
  if (s.stringName && o.declaration && r.end >= r.begin + 2) {
    ++r.begin;
    --r.end;
  }
  return r;
}

// Why a symbol cannot be renamed at all (empty when it can).
std::string refusal(const Compilation &c, const Symbol &s) {
  std::string name = "`" + s.name + "`";
  if (s.stdlib)
    return name + " is declared in the standard library (`" + c.sources.name(s.decl.file).str() + "`), which is read-only";
  if (s.renameable) return "";
  switch (s.kind) {
  case Symbol::Kind::Module: return name + " is a module path, not a name";
  case Symbol::Kind::Alias:
    return "the alias " + name + " is the imported file's name: write `import \"…\" as NAME` to choose another";
  default: return name + " is an interpolated or escaped name: edit the string instead";
  }
}

} // namespace

const SymbolIndex &Server::symbolsOf(Analysis &a) {
  if (!a.symbols) a.symbols = std::make_shared<SymbolIndex>(*a.compilation);
  return *a.symbols;
}

std::string Server::uriOf(const Analysis &a, const Document &d, FileId file) {
  const Compilation &c = *a.compilation;
  if (file == a.file) return d.uri;
  std::string name = c.sources.name(file).str();
  for (size_t i = 0; i < c.files.size() && i < c.modules.modules.size(); ++i)
    if (c.files[i].id == file && c.modules.modules[i].stdlib) {
      std::optional<std::string> p = stdlibFilePath(name);
      return p ? pathToUri(*p) : "";
    }
  std::error_code ec;
  std::string abs = std::filesystem::absolute(name, ec).lexically_normal().string();
  if (Document *open = docs_.findByPath(abs)) return open->uri;
  return pathToUri(abs);
}

Value Server::definition(const Document &d, const Object &params) {
  std::optional<uint32_t> off = cursor(d, params);
  if (!off) return nullptr;
  Analysis &a = analyse(d);
  const SymbolIndex &idx = symbolsOf(a);
  const Occurrence *o = idx.at(a.file, *off);
  if (!o) return nullptr;
  const Symbol &s = idx.symbols()[o->symbol];
  std::string uri = uriOf(a, d, s.decl.file);
  if (uri.empty()) return nullptr;
  return Object{{"uri", uri}, {"range", toLsp(*a.compilation, s.decl)}};
}

namespace {

struct Found {
  std::string uri;
  uint32_t begin, end;
  Value range;
  bool declaration;
  std::string newText; // for a rename
  friend bool operator<(const Found &a, const Found &b) {
    return std::tie(a.uri, a.begin, a.end) < std::tie(b.uri, b.begin, b.end);
  }
};

} // namespace

// Each place once: an imported file open in the editor is seen both as its
// own document and inside its importers' compilations.
static std::vector<Found> dedupe(std::vector<Found> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end(), [](const Found &a, const Found &b) { return !(a < b) && !(b < a); }), v.end());
  return v;
}

void Server::forEachAnalysis(const Document &d, llvm::StringRef name,
                             llvm::function_ref<void(Analysis &, const Document &)> visit) {
  visit(analyse(d), d);
  for (const std::string &uri : docs_.uris())
    if (uri != d.uri)
      if (const Document *doc = docs_.find(uri)) visit(analyse(*doc), *doc);
  // Closed files that import the one declaring the name: they are compiled
  // from disk, and stand in as documents of their own URI.
  for (auto &[path, text] : closedFilesMentioning(name)) {
    Analysis a = analyseText(path, std::move(text));
    Document closed;
    closed.uri = pathToUri(path);
    closed.path = path;
    closed.file = a.file;
    visit(a, closed);
  }
}

Value Server::references(const Document &d, const Object &params) {
  std::optional<uint32_t> off = cursor(d, params);
  if (!off) return Array{};
  bool withDeclaration = false;
  if (const Object *ctx = params.getObject("context")) withDeclaration = ctx->getBoolean("includeDeclaration").getValueOr(false);
  SymbolKey key;
  {
    Analysis &a = analyse(d);
    const SymbolIndex &idx = symbolsOf(a);
    const Occurrence *o = idx.at(a.file, *off);
    if (!o) return Array{};
    key = keyOf(*a.compilation, idx.symbols()[o->symbol]);
  }
  std::vector<Found> out;
  forEachAnalysis(d, key.name, [&](Analysis &a, const Document &doc) {
    const Compilation &c = *a.compilation;
    const SymbolIndex &idx = symbolsOf(a);
    for (size_t i = 0; i < idx.symbols().size(); ++i) {
      if (!(keyOf(c, idx.symbols()[i]) == key)) continue;
      for (const Occurrence &o : idx.occurrencesOf(i)) {
        if (o.declaration && !withDeclaration) continue;
        std::string uri = uriOf(a, doc, o.range.file);
        if (!uri.empty()) out.push_back({uri, o.range.begin, o.range.end, toLsp(c, o.range), o.declaration, ""});
      }
    }
  });
  std::vector<Found> found = dedupe(std::move(out));
  Array result;
  for (Found &f : found) result.push_back(Object{{"uri", f.uri}, {"range", std::move(f.range)}});
  return result;
}

Server::Reply Server::prepareRename(const Document &d, const Object &params) {
  std::optional<uint32_t> off = cursor(d, params);
  if (!off) return {nullptr, "no position"};
  if (isStdlibCachePath(d.path)) return {nullptr, "this is the standard library's read-only copy"};
  Analysis &a = analyse(d);
  const SymbolIndex &idx = symbolsOf(a);
  const Occurrence *o = idx.at(a.file, *off);
  if (!o) return {nullptr, "there is no name to rename at the cursor"};
  const Symbol &s = idx.symbols()[o->symbol];
  if (std::string why = refusal(*a.compilation, s); !why.empty()) return {nullptr, why};
  return {Object{{"range", toLsp(*a.compilation, nameRange(s, *o))}, {"placeholder", s.name}}, ""};
}

Server::Reply Server::rename(const Document &d, const Object &params) {
  Reply prepared = prepareRename(d, params);
  if (!prepared.error.empty()) return prepared;
  llvm::Optional<llvm::StringRef> newNameArg = params.getString("newName");
  if (!newNameArg) return {nullptr, "the request has no `newName`"};
  std::string newName = newNameArg->str();
  Analysis &a = analyse(d);
  const SymbolIndex &idx = symbolsOf(a);
  const Occurrence *o = idx.at(a.file, *cursor(d, params));
  const Symbol &s = idx.symbols()[o->symbol];
  if (newName == s.name) return {Object{{"changes", Object{}}}, ""};
  if (std::string why = invalidNewName(s, newName); !why.empty()) return {nullptr, why};
  std::string quoted = "`" + newName + "`";
  if (s.scope)
    if (auto taken = s.scope->find(newName); taken != s.scope->end()) {
      const Symbol &other = idx.symbols()[taken->second];
      return {nullptr, quoted + " is already taken here: " + other.keyword + " `" + other.name + "`"};
    }
  // Top-level declarations share one namespace across the project's files.
  if (s.kind == Symbol::Kind::Object || s.kind == Symbol::Kind::Workload)
    for (const Symbol &other : idx.symbols())
      if ((other.kind == Symbol::Kind::Object || other.kind == Symbol::Kind::Workload) && !other.stdlib &&
          other.name == newName)
        return {nullptr, quoted + " is already taken: " + other.keyword + " `" + other.name + "` in `" +
                             a.compilation->sources.name(other.decl.file).str() + "`"};
  SymbolKey key = keyOf(*a.compilation, s);
  bool plainName = s.kind == Symbol::Kind::Let || s.kind == Symbol::Kind::Template || s.kind == Symbol::Kind::Param ||
                   s.kind == Symbol::Kind::ForVar || s.kind == Symbol::Kind::Alias || s.kind == Symbol::Kind::Object ||
                   s.kind == Symbol::Kind::Workload;
  std::string collision;
  std::vector<Found> out;
  forEachAnalysis(d, key.name, [&](Analysis &an, const Document &doc) {
    const Compilation &c = *an.compilation;
    const SymbolIndex &other = symbolsOf(an);
    for (size_t i = 0; i < other.symbols().size(); ++i) {
      const Symbol &sym = other.symbols()[i];
      if (!(keyOf(c, sym) == key)) continue;
      for (const Occurrence &occ : other.occurrencesOf(i)) {
        // A plain name that would now mean something else where it is used.
        if (plainName && collision.empty() && other.valueNameIn(occ.range.file, newName))
          collision = quoted + " is already a name in `" + c.sources.name(occ.range.file).str() +
                      "`: the renamed uses would refer to it";
        SourceRange r = nameRange(sym, occ);
        std::string uri = uriOf(an, doc, r.file);
        if (!uri.empty()) out.push_back({uri, r.begin, r.end, toLsp(c, r), occ.declaration, renamedText(occ, newName)});
      }
    }
  });
  if (!collision.empty()) return {nullptr, collision};
  std::vector<Found> found = dedupe(std::move(out));
  Object changes;
  for (Found &f : found) {
    Value *edits = changes.get(f.uri);
    if (!edits) edits = &(changes[f.uri] = Array{});
    edits->getAsArray()->push_back(Object{{"range", std::move(f.range)}, {"newText", f.newText}});
  }
  return {Object{{"changes", std::move(changes)}}, ""};
}

} // namespace rig::lsp
