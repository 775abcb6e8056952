#include "lsp/server.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lsp/ast_query.h"
#include "lsp/completion_names.h"
#include "lsp/failure_rule_hints.h"
#include "lsp/semantic_tokens.h"
#include "lsp/stdlib_cache.h"
#include "lsp/workspace_files.h"

namespace rig::lsp {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

std::optional<std::string> readDisk(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

DiagnosticSeverity lspSeverity(Severity s) {
  switch (s) {
  case Severity::Error: return DiagnosticSeverity::Error;
  case Severity::Warning: return DiagnosticSeverity::Warning;
  case Severity::Note: return DiagnosticSeverity::Information;
  }
  return DiagnosticSeverity::Error;
}

int symbolKind(OutlineSymbol::Kind k) {
  switch (k) {
  case OutlineSymbol::Kind::Workload: return static_cast<int>(SymbolKind::Class);
  case OutlineSymbol::Kind::Container: return static_cast<int>(SymbolKind::Object);
  case OutlineSymbol::Kind::Template: return static_cast<int>(SymbolKind::Function);
  case OutlineSymbol::Kind::Let: return static_cast<int>(SymbolKind::Variable);
  case OutlineSymbol::Kind::Import: return static_cast<int>(SymbolKind::Module);
  case OutlineSymbol::Kind::Block: return static_cast<int>(SymbolKind::Struct);
  case OutlineSymbol::Kind::Field: return static_cast<int>(SymbolKind::Field);
  }
  return static_cast<int>(SymbolKind::Struct);
}

int completionKind(CompletionEntry::Kind k) {
  switch (k) {
  case CompletionEntry::Kind::Keyword: return static_cast<int>(CompletionItemKind::Keyword);
  case CompletionEntry::Kind::Field: return static_cast<int>(CompletionItemKind::Field);
  case CompletionEntry::Kind::Name: return static_cast<int>(CompletionItemKind::Variable);
  }
  return static_cast<int>(CompletionItemKind::Keyword);
}

// Positions in a document's own SourceManager slot.
Value rangeInDoc(const DocumentStore &docs, const Document &d, uint32_t b, uint32_t e) {
  return toJSON(Range{docs.positionOf(d, b), docs.positionOf(d, e)});
}

// Request ids are numbers or strings; `1` and `"1"` are different ids.
std::string idKey(const Value &id) {
  if (auto s = id.getAsString()) return "s" + s->str();
  if (auto n = id.getAsInteger()) return "n" + std::to_string(*n);
  return "";
}

} // namespace

Server::Server(Send send, Log log, std::function<void()> solverReady)
    : send_(std::move(send)), log_(std::move(log)), worker_(std::move(solverReady)) {}

void Server::lookAhead(const Value &message) {
  const Object *o = message.getAsObject();
  if (!o || o->getString("method").getValueOr("") != "$/cancelRequest") return;
  const Object *params = o->getObject("params");
  if (const Value *id = params ? params->get("id") : nullptr)
    if (std::string key = idKey(*id); !key.empty()) cancelled_.insert(key);
}

void Server::handle(const Value &message) {
  const Object *o = message.getAsObject();
  if (!o) {
    send_(makeError(nullptr, InvalidRequest, "a JSON-RPC message must be an object"));
    return;
  }
  auto method = o->getString("method");
  const Value *id = o->get("id");
  if (!method) {
    if (!id) send_(makeError(nullptr, InvalidRequest, "message without a method"));
    return; // a response to a request we never sent
  }
  static const Object kNoParams;
  const Object *params = o->getObject("params");
  if (!params) params = &kNoParams;
  if (id) {
    if (id->kind() != Value::Number && id->kind() != Value::String) {
      send_(makeError(nullptr, InvalidRequest, "request id must be a number or a string"));
      return;
    }
    handleRequest(*method, *id, *params);
  } else {
    handleNotification(*method, *params);
  }
}

void Server::handleRequest(llvm::StringRef method, const Value &id, const Object &params) {
  if (cancelled_.erase(idKey(id))) return send_(makeError(id, RequestCancelled, "request cancelled"));
  if (method == "initialize") {
    if (initialized_) return send_(makeError(id, InvalidRequest, "the server is already initialized"));
    initialized_ = true;
    return send_(makeResponse(id, initialize(params)));
  }
  if (!initialized_) return send_(makeError(id, ServerNotInitialized, "the server is not initialized"));
  if (shutdown_) return send_(makeError(id, InvalidRequest, "the server is shutting down"));
  if (method == "shutdown") {
    shutdown_ = true;
    return send_(makeResponse(id, nullptr));
  }
  if (method == "workspace/symbol") return send_(makeResponse(id, workspaceSymbol(params)));
  static const std::set<std::string> kDocumentMethods = {
      "textDocument/foldingRange", "textDocument/inlayHint",
      "textDocument/hover", "textDocument/completion", "textDocument/formatting", "textDocument/documentSymbol",
      "textDocument/codeAction", "textDocument/definition", "textDocument/references",
      "textDocument/prepareRename", "textDocument/rename", "textDocument/semanticTokens/full"};
  if (!kDocumentMethods.count(method.str()))
    return send_(makeError(id, MethodNotFound, ("method not found: " + method).str()));
  const Object *td = params.getObject("textDocument");
  llvm::Optional<llvm::StringRef> uri = td ? td->getString("uri") : llvm::None;
  if (!uri) return send_(makeError(id, InvalidParams, "missing textDocument.uri"));
  const Document *d = docs_.find(uri->str());
  if (!d) return send_(makeError(id, InvalidParams, ("document is not open: " + *uri).str()));
  Value result = nullptr;
  if (method == "textDocument/hover") result = hover(*d, params);
  else if (method == "textDocument/completion") result = completion(*d, params);
  else if (method == "textDocument/formatting") result = formatting(*d);
  else if (method == "textDocument/documentSymbol") result = documentSymbol(*d);
  else if (method == "textDocument/codeAction") result = codeAction(*d, params);
  else if (method == "textDocument/definition") result = definition(*d, params);
  else if (method == "textDocument/foldingRange") result = foldingRange(*d);
  else if (method == "textDocument/inlayHint") result = inlayHint(*d);
  else if (method == "textDocument/references") result = references(*d, params);
  else if (method == "textDocument/semanticTokens/full") result = semanticTokensFull(*d);
  else if (method == "textDocument/prepareRename" || method == "textDocument/rename") {
    Reply r = method == "textDocument/rename" ? rename(*d, params) : prepareRename(*d, params);
    if (!r.error.empty()) return send_(makeError(id, -32803 /* RequestFailed */, r.error));
    result = std::move(r.result);
  }
  send_(makeResponse(id, std::move(result)));
}

void Server::handleNotification(llvm::StringRef method, const Object &params) {
  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (!initialized_) return log_(("dropped `" + method + "` before initialize").str());
  const Object *td = params.getObject("textDocument");
  llvm::Optional<llvm::StringRef> uri = td ? td->getString("uri") : llvm::None;
  if (method == "textDocument/didOpen") {
    llvm::Optional<llvm::StringRef> text = td ? td->getString("text") : llvm::None;
    if (!uri || !text) return log_("didOpen without uri or text");
    docs_.open(uri->str(), text->str(), td->getInteger("version").getValueOr(0));
    pending_.insert(uri->str());
  } else if (method == "textDocument/didChange") {
    const Array *changes = params.getArray("contentChanges");
    if (!uri || !changes) return log_("didChange without uri or contentChanges");
    if (!docs_.change(uri->str(), *changes, td->getInteger("version").getValueOr(0)))
      return log_(("ignored an edit to a document that is not open: " + *uri).str());
    pending_.insert(uri->str());
    // The old analysis is stale: free it (and stop verifying it) before the
    // next compile, so two analyses of a large file are never alive at once.
    analyses_.erase(uri->str());
    worker_.cancel(uri->str());
  } else if (method == "textDocument/didClose") {
    if (!uri || !docs_.close(uri->str())) return log_("didClose of a document that is not open");
    analyses_.erase(uri->str());
    pending_.erase(uri->str());
    worker_.cancel(uri->str());
    send_(makeNotification("textDocument/publishDiagnostics", Object{{"uri", *uri}, {"diagnostics", Array{}}}));
  }
  // Other notifications need nothing: `$/cancelRequest` took effect in
  // lookAhead() (a cancel for an answered request is moot); `initialized`,
  // `didSave`, … carry nothing the server uses.
}

Value Server::initialize(const Object &params) {
  if (const Array *folders = params.getArray("workspaceFolders"))
    for (const Value &f : *folders)
      if (const Object *o = f.getAsObject())
        if (auto uri = o->getString("uri")) roots_.push_back(uriToPath(*uri));
  if (roots_.empty()) {
    if (auto uri = params.getString("rootUri")) roots_.push_back(uriToPath(*uri));
    else if (auto path = params.getString("rootPath")) roots_.push_back(path->str());
  }
  roots_.erase(std::remove(roots_.begin(), roots_.end(), std::string()), roots_.end());
  Object caps{
      {"positionEncoding", "utf-16"},
      {"textDocumentSync", Object{{"openClose", true}, {"change", 2}}},
      {"hoverProvider", true},
      {"completionProvider", Object{{"triggerCharacters", Array{"."}}}},
      {"documentFormattingProvider", true},
      {"documentSymbolProvider", true},
      {"codeActionProvider", Object{{"codeActionKinds", Array{"quickfix", "refactor.rewrite"}}}},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"renameProvider", Object{{"prepareProvider", true}}},
      {"semanticTokensProvider", Object{{"legend", semanticTokensLegend()}, {"full", true}}},
      {"foldingRangeProvider", true},
      {"inlayHintProvider", true},
      {"workspaceSymbolProvider", true},
  };
  return Object{{"capabilities", std::move(caps)}, {"serverInfo", Object{{"name", "rig"}, {"version", "0.1.0"}}}};
}

Server::Analysis &Server::analyse(const Document &d) {
  Analysis &a = analyses_[d.uri];
  if (a.compilation && a.version == d.version) return a;
  // Free the previous analysis before building the next (a 10 MB file's AST
  // and model are large).
  a = Analysis{};
  a = analyseText(d.path, docs_.text(d).str());
  a.version = d.version;
  return a;
}

CompileOptions Server::analysisOptions(const std::string &path) {
  CompileOptions opts;
  // The solver runs on the verify worker (publish()), never here: requests
  // and checker diagnostics do not wait for it.
  opts.stopAfter = Phase::Check;
  // Imports must stay inside the root: the workspace folder the file is in
  // (the innermost), else the file's own folder, as for `rig build`.
  opts.root = std::filesystem::path(path).parent_path().string();
  size_t best = 0;
  for (const std::string &r : roots_) {
    std::filesystem::path rel = std::filesystem::path(path).lexically_normal().lexically_relative(
        std::filesystem::path(r).lexically_normal());
    if (!rel.empty() && *rel.begin() != ".." && r.size() > best) {
      opts.root = r;
      best = r.size();
    }
  }
  // Imports see the open documents' text, not what is on disk.
  opts.readFile = [this](const std::string &file) -> std::optional<std::string> {
    if (Document *open = docs_.findByPath(file)) return docs_.text(*open).str();
    return readDisk(file);
  };
  return opts;
}

Server::Analysis Server::analyseText(const std::string &path, std::string text) {
  Analysis a;
  a.compilation = compile({SourceInput{path, std::move(text)}}, analysisOptions(path));
  a.file = a.compilation->files.empty() ? FileId{1} : a.compilation->files.front().id;
  ++compileCount_;
  return a;
}

std::vector<std::pair<std::string, std::string>> Server::closedFilesMentioning(llvm::StringRef name) {
  // Without workspace folders, only the open documents' own folders are
  // looked at, not below them: the editor may have opened one file in a
  // home folder.
  std::vector<std::string> flat;
  if (roots_.empty())
    for (const std::string &uri : docs_.uris())
      if (const Document *d = docs_.find(uri)) flat.push_back(std::filesystem::path(d->path).parent_path().string());
  constexpr size_t kMaxFileBytes = 4 << 20; // larger files are not read for this
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string &path : workspaceRigFiles(roots_, flat)) {
    if (docs_.findByPath(path) || isStdlibCachePath(path)) continue;
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) > kMaxFileBytes || ec) continue;
    std::optional<std::string> text = readDisk(path);
    if (!text || llvm::StringRef(*text).find("import") == llvm::StringRef::npos ||
        llvm::StringRef(*text).find(name) == llvm::StringRef::npos)
      continue;
    out.emplace_back(path, std::move(*text));
  }
  return out;
}

const ast::File *Server::astOf(const Analysis &a) const {
  for (const ast::File &f : a.compilation->files)
    if (f.id == a.file) return &f;
  return nullptr;
}

Value Server::toLsp(const Compilation &c, SourceRange r) const {
  if (!r.valid()) return toJSON(Range{});
  auto b = c.sources.toUtf16(r.file, r.begin), e = c.sources.toUtf16(r.file, r.end);
  return toJSON(Range{{b.line, b.character}, {e.line, e.character}});
}

void Server::publish(const Document &d) {
  Analysis &a = analyse(d);
  sendDiagnostics(d, a);
  if (!a.compilation->ok()) return; // verify skips files with errors
  CompileOptions opts;
  // Solver findings are wanted while typing, but never a long stall.
  opts.verify.timeoutMs = 2000;
  worker_.submit({d.uri, d.version, a.compilation, std::move(opts)});
}

void Server::publishSolverFindings() {
  std::vector<VerifyWorker::Result> results = worker_.take();
  if (shutdown_) return; // as in flushDiagnostics
  for (VerifyWorker::Result &r : results) {
    const Document *d = docs_.find(r.uri);
    auto it = analyses_.find(r.uri);
    if (!d || d->version != r.version || it == analyses_.end() || it->second.compilation != r.compilation.lock()) {
      log_("dropped solver findings for a stale version of " + r.uri);
      continue;
    }
    it->second.solverFindings = std::move(r.diags);
    // Nothing found: the checker's publication already says everything.
    if (!it->second.solverFindings.empty()) sendDiagnostics(*d, it->second);
  }
}

void Server::sendDiagnostics(const Document &d, const Analysis &a) {
  const Compilation &c = *a.compilation;
  std::vector<const Diagnostic *> all;
  for (const Diagnostic &diag : c.diags.all()) all.push_back(&diag);
  for (const Diagnostic &diag : a.solverFindings) all.push_back(&diag);
  // The order of `rig check`: by position, the checker's first at a tie.
  std::stable_sort(all.begin(), all.end(), [](const Diagnostic *x, const Diagnostic *y) {
    if (x->range.file != y->range.file) return x->range.file < y->range.file;
    return x->range.begin < y->range.begin;
  });
  Array out;
  for (const Diagnostic *dp : all) {
    const Diagnostic &diag = *dp;
    // Diagnostics inside imported files belong to those files; an editor
    // shows them when they are opened.
    if (diag.range.valid() && diag.range.file != a.file) continue;
    std::string message = diag.message;
    for (const std::string &n : diag.notes) message += "\n" + n;
    Object o{{"range", toLsp(c, diag.range)},
             {"severity", static_cast<int>(lspSeverity(diag.severity))},
             {"code", diag.code().str()},
             {"source", "rig"},
             {"message", message}};
    Array related;
    for (const DiagLabel &l : diag.labels) {
      if (!l.range.valid()) continue;
      std::string uri = l.range.file == a.file ? d.uri : pathToUri(c.sources.name(l.range.file));
      related.push_back(Object{{"location", Object{{"uri", uri}, {"range", toLsp(c, l.range)}}},
                               {"message", l.message.empty() ? diag.message : l.message}});
    }
    if (!related.empty()) o["relatedInformation"] = std::move(related);
    out.push_back(std::move(o));
  }
  send_(makeNotification("textDocument/publishDiagnostics",
                         Object{{"uri", d.uri}, {"version", d.version}, {"diagnostics", std::move(out)}}));
}

void Server::flushDiagnostics() {
  std::set<std::string> uris = std::move(pending_);
  pending_.clear();
  // After `shutdown` nothing more is published: the client is about to
  // send `exit` and may no longer read, and a large publication it does
  // not read would block the server from seeing that `exit`.
  if (shutdown_) return;
  for (const std::string &uri : uris)
    if (const Document *d = docs_.find(uri)) publish(*d);
}

std::optional<uint32_t> Server::cursor(const Document &d, const Object &params) const {
  std::optional<Position> p = positionFromJSON(params.get("position"));
  if (!p) return std::nullopt;
  return docs_.offsetOf(d, *p);
}

Value Server::hover(const Document &d, const Object &params) {
  std::optional<uint32_t> off = cursor(d, params);
  if (!off) return nullptr;
  Analysis &a = analyse(d);
  const ast::File *f = astOf(a);
  if (!f) return nullptr;
  std::optional<HoverInfo> h = hoverAt(*f, &a.compilation->program, *off);
  if (!h) return nullptr;
  return Object{{"contents", Object{{"kind", "markdown"}, {"value", h->markdown}}},
                {"range", toLsp(*a.compilation, h->range)}};
}

Value Server::completion(const Document &d, const Object &params) {
  std::optional<uint32_t> off = cursor(d, params);
  Array items;
  if (!off) return Object{{"isIncomplete", false}, {"items", std::move(items)}};
  Analysis &a = analyse(d);
  std::vector<CompletionEntry> entries;
  if (auto named = contextNameCompletions(*a.compilation, a.file, *off)) entries = std::move(*named);
  else if (const ast::File *f = astOf(a)) {
    entries = completionsAt(*f, a.compilation->sources.text(a.file), *off);
    // Where keywords fit, so do module aliases (not after `after` or `mount`).
    bool general = std::any_of(entries.begin(), entries.end(), [](const CompletionEntry &e) { return e.kind == CompletionEntry::Kind::Keyword; });
    if (general)
      for (CompletionEntry &e : aliasCompletions(*a.compilation, a.file)) entries.push_back(std::move(e));
  }
  for (const CompletionEntry &e : entries) {
    Object item{{"label", e.label}, {"kind", completionKind(e.kind)}, {"insertText", e.insertText}};
    if (!e.detail.empty()) item["detail"] = e.detail;
    if (!e.doc.empty()) item["documentation"] = Object{{"kind", "markdown"}, {"value", e.doc}};
    items.push_back(std::move(item));
  }
  return Object{{"isIncomplete", false}, {"items", std::move(items)}};
}

Value Server::formatting(const Document &d) {
  llvm::StringRef text = docs_.text(d);
  std::unique_ptr<Formatted> fmt = formatSource(SourceInput{d.path, text.str()});
  // Syntax errors: no edits (the diagnostics already say why).
  if (!fmt->ok() || fmt->text == text) return Array{};
  return Array{Object{{"range", rangeInDoc(docs_, d, 0, static_cast<uint32_t>(text.size()))},
                      {"newText", fmt->text}}};
}

static Value symbolJSON(const Compilation &c, const OutlineSymbol &s, const std::function<Value(SourceRange)> &conv) {
  Array children;
  for (const OutlineSymbol &ch : s.children) children.push_back(symbolJSON(c, ch, conv));
  Object o{{"name", s.name}, {"kind", symbolKind(s.kind)}, {"range", conv(s.range)}, {"selectionRange", conv(s.selection)}};
  if (!s.detail.empty()) o["detail"] = s.detail;
  if (!children.empty()) o["children"] = std::move(children);
  return o;
}

Value Server::documentSymbol(const Document &d) {
  Analysis &a = analyse(d);
  Array out;
  const ast::File *f = astOf(a);
  if (!f) return out;
  const Compilation &c = *a.compilation;
  auto conv = [&](SourceRange r) { return toLsp(c, r); };
  for (const OutlineSymbol &s : outline(*f)) out.push_back(symbolJSON(c, s, conv));
  return out;
}

Value Server::codeAction(const Document &d, const Object &params) {
  Analysis &a = analyse(d);
  const Compilation &c = *a.compilation;
  std::optional<Range> want = rangeFromJSON(params.get("range"));
  uint32_t wb = 0, we = UINT32_MAX;
  if (want) {
    wb = docs_.offsetOf(d, want->start);
    we = docs_.offsetOf(d, want->end);
  }
  Array actions;
  for (const Diagnostic &diag : c.diags.all()) {
    if (diag.fixits.empty() || diag.range.file != a.file) continue;
    if (diag.range.end < wb || diag.range.begin > we) continue;
    Array edits;
    for (const FixIt &fx : diag.fixits)
      if (fx.range.file == a.file) edits.push_back(Object{{"range", toLsp(c, fx.range)}, {"newText", fx.replacement}});
    if (edits.empty()) continue;
    std::string title = diag.notes.empty() ? "fix: " + diag.message : diag.notes.front();
    if (diag.notes.empty() && diag.fixits.size() == 1 && !diag.fixits[0].replacement.empty())
      title = "replace with `" + diag.fixits[0].replacement + "`";
    Object lspDiag{{"range", toLsp(c, diag.range)}, {"message", diag.message}, {"code", diag.code().str()},
                   {"severity", static_cast<int>(lspSeverity(diag.severity))}, {"source", "rig"}};
    actions.push_back(Object{{"title", title},
                             {"kind", "quickfix"},
                             {"isPreferred", diag.fixits.size() == 1},
                             {"diagnostics", Array{std::move(lspDiag)}},
                             {"edit", Object{{"changes", Object{{d.uri, std::move(edits)}}}}}});
  }
  addRefactorings(d, wb, we, actions);
  return actions;
}

// Every block that spans lines folds, and so does a run of two or more
// line comments.
Value Server::foldingRange(const Document &d) {
  Analysis &a = analyse(d);
  Array out;
  const ast::File *f = astOf(a);
  if (!f) return out;
  const SourceManager &sm = a.compilation->sources;
  auto line0 = [&](uint32_t off) { return sm.lineColumn(a.file, off).line - 1; };
  std::function<void(const ast::Item &)> fold;
  auto foldBody = [&](const ast::Body *b) {
    if (!b) return;
    int64_t start = line0(b->range.begin), close = line0(b->range.end > 0 ? b->range.end - 1 : 0);
    // Up to the line before the closing brace, which stays visible.
    if (close - 1 > start) out.push_back(Object{{"startLine", start}, {"endLine", close - 1}});
    for (const ast::ItemPtr &it : b->items) fold(*it);
  };
  fold = [&](const ast::Item &it) {
    if (auto *dcl = llvm::dyn_cast<ast::Declaration>(&it)) foldBody(dcl->body.get());
    else if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(&it)) foldBody(t->body.get());
    else if (auto *fo = llvm::dyn_cast<ast::ForItem>(&it)) foldBody(fo->body.get());
    else if (auto *i = llvm::dyn_cast<ast::IfItem>(&it)) {
      foldBody(i->then.get());
      foldBody(i->otherwise.get());
      if (i->elseIf) fold(*i->elseIf);
    }
  };
  for (const ast::ItemPtr &it : f->items) fold(*it);
  // Runs of line comments.
  int64_t runStart = -1, prev = -2;
  auto flush = [&]() {
    if (runStart >= 0 && prev > runStart) out.push_back(Object{{"startLine", runStart}, {"endLine", prev}, {"kind", "comment"}});
  };
  for (const ast::Comment &c : f->comments) {
    if (llvm::StringRef(c.text).startswith("/*")) continue;
    int64_t l = line0(c.range.begin);
    if (l != prev + 1) {
      flush();
      runStart = l;
    }
    prev = l;
  }
  flush();
  return out;
}

// QoS class after each workload's name; start position after each sidecar
// and init container's name.
Value Server::inlayHint(const Document &d) {
  Analysis &a = analyse(d);
  Array out;
  const ast::File *f = astOf(a);
  if (!f || !a.compilation->ok()) return out;
  const Compilation &c = *a.compilation;
  auto hint = [&](uint32_t offset, std::string label) {
    auto p = c.sources.toUtf16(a.file, offset);
    out.push_back(Object{{"position", Object{{"line", (int64_t)p.line}, {"character", (int64_t)p.character}}},
                         {"label", std::move(label)},
                         {"paddingLeft", true}});
  };
  for (auto &[offset, label] : failureRuleHints(c, a.file)) hint(offset, label);
  for (const model::Workload &w : c.program.workloads) {
    if (w.nameRange.file != a.file) continue;
    hint(w.nameRange.end, "QoS " + model::qosName(w.pod.qos).str());
    // The workload's declaration in this file, for its containers' names.
    const ast::Declaration *decl = nullptr;
    for (const ast::ItemPtr &it : f->items)
      if (auto *dcl = llvm::dyn_cast<ast::Declaration>(it.get()); dcl && dcl->range.begin <= w.nameRange.begin && w.nameRange.end <= dcl->range.end)
        decl = dcl;
    if (!decl || !decl->body) continue;
    size_t n = w.pod.initContainers.size() + w.pod.containers.size();
    for (size_t k = 0; k < w.pod.initContainers.size(); ++k) {
      const std::string &name = w.pod.initContainers[k].name;
      for (const ast::ItemPtr &it : decl->body->items) {
        auto *cd = llvm::dyn_cast<ast::Declaration>(it.get());
        const ast::Word *nw = cd ? cd->nameWord() : nullptr;
        if (!nw || (cd->keyword.name != "sidecar" && cd->keyword.name != "init")) continue;
        std::string k8s = nw->text;
        std::replace(k8s.begin(), k8s.end(), '_', '-');
        if (k8s == name) hint(nw->range.end, "starts " + std::to_string(k + 1) + " of " + std::to_string(n));
      }
    }
  }
  return out;
}

// Symbols of every open document whose name contains the query (any case).
Value Server::workspaceSymbol(const Object &params) {
  std::string query = params.getString("query").getValueOr("").lower();
  Array out;
  for (const std::string &uri : docs_.uris()) {
    const Document *d = docs_.find(uri);
    if (!d) continue;
    Analysis &a = analyse(*d);
    const ast::File *f = astOf(a);
    if (!f) continue;
    const Compilation &c = *a.compilation;
    std::function<void(const OutlineSymbol &, const std::string &)> add = [&](const OutlineSymbol &s, const std::string &container) {
      if (query.empty() || llvm::StringRef(s.name).lower().find(query) != std::string::npos) {
        Object o{{"name", s.name}, {"kind", symbolKind(s.kind)}, {"location", Object{{"uri", uri}, {"range", toLsp(c, s.range)}}}};
        if (!container.empty()) o["containerName"] = container;
        out.push_back(std::move(o));
      }
      for (const OutlineSymbol &ch : s.children) add(ch, s.name);
    };
    for (const OutlineSymbol &s : outline(*f)) add(s, "");
  }
  return out;
}

} // namespace rig::lsp
