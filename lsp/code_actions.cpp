#include "lsp/code_actions.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/check/schema.h"
#include "lsp/server.h"

namespace rig::lsp {

namespace {

bool isWorkloadKeyword(llvm::StringRef k) {
  for (llvm::StringRef w : sema::workloadKeywords())
    if (w == k) return true;
  return false;
}

// The indentation of the line `offset` is on.
std::string indentOf(llvm::StringRef text, uint32_t offset) {
  size_t start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  start = start == llvm::StringRef::npos ? 0 : start + 1;
  size_t end = start;
  while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
  return text.slice(start, end).str();
}

const model::Container *modelContainer(const model::Program &p, const ast::Word &name) {
  for (const model::Workload &w : p.workloads)
    for (const auto *list : {&w.pod.initContainers, &w.pod.containers})
      for (const model::Container &c : *list)
        if (c.nameRange.file == name.range.file && c.nameRange.begin == name.range.begin) return &c;
  return nullptr;
}

bool hasChild(const ast::Declaration &d, llvm::StringRef keyword) {
  if (!d.body) return false;
  for (const ast::ItemPtr &it : d.body->items)
    if (auto *c = llvm::dyn_cast<ast::Declaration>(it.get()); c && c->keyword.name == keyword) return true;
  return false;
}

// The probe's action: TCP on the first TCP port (by its name when the
// sidecar declares it by name here), else a placeholder that fails.
std::string readinessAction(const ast::Declaration &d, const model::Container *mc) {
  if (d.body)
    for (const ast::ItemPtr &it : d.body->items) {
      auto *p = llvm::dyn_cast<ast::Declaration>(it.get());
      if (!p || p->keyword.name != "port" || !p->value) continue;
      bool udp = false;
      if (p->body)
        for (const ast::ItemPtr &f : p->body->items)
          if (auto *a = llvm::dyn_cast<ast::Attribute>(f.get()); a && a->dottedName() == "protocol")
            if (auto *n = llvm::dyn_cast_or_null<ast::NameExpr>(a->value.get()); n && n->name != "TCP") udp = true;
      if (udp) continue;
      const ast::Word *name = p->nameWord();
      if (name && name->kind == ast::Word::Kind::Name) return "tcp_socket port " + name->text;
      if (auto *num = llvm::dyn_cast<ast::NumberExpr>(p->value.get())) return "tcp_socket port " + num->text;
    }
  if (mc)
    for (const model::Port &p : mc->ports)
      if (p.protocol.empty() || p.protocol == "TCP") return "tcp_socket port " + std::to_string(p.number);
  return "// no TCP port: replace with a command that succeeds once the sidecar is ready\n"
         "exec = [\"/bin/sh\", \"-c\", \"exit 1\"]";
}

// Inserts `header { inner }` (inner: lines without indentation) as the last
// item of `d`'s body, or gives `d` a body holding it.
TextEdit appendToBody(llvm::StringRef text, const ast::Declaration &d, const std::string &header, const std::string &inner) {
  std::string i0 = indentOf(text, d.range.begin), i1 = i0 + "  ", i2 = i1 + "  ";
  std::string innerText;
  llvm::SmallVector<llvm::StringRef, 4> lines;
  llvm::StringRef(inner).split(lines, '\n');
  for (llvm::StringRef l : lines) innerText += i2 + l.str() + "\n";
  std::string block = i1 + header + " {\n" + innerText + i1 + "}";
  if (!d.body) return {{d.range.file, d.range.end, d.range.end}, " {\n" + block + "\n" + i0 + "}"};
  uint32_t close = d.body->range.end - 1; // the `}`
  uint32_t from = close;
  while (from > d.body->range.begin + 1 && llvm::StringRef(" \t\r\n").contains(text[from - 1])) --from;
  return {{d.range.file, from, close}, "\n" + block + "\n" + i0};
}

// An init container that serves rather than runs to completion: it has a
// port, a probe or a lifecycle hook. One that just runs (a migration, a
// download) must stay an init container: as a sidecar it would be restarted
// for the pod's whole life.
bool servesLikeASidecar(const ast::Declaration &d) {
  for (const char *k : {"port", "readiness", "liveness", "startup", "post_start", "pre_stop"})
    if (hasChild(d, k)) return true;
  return false;
}

} // namespace

std::vector<std::string> errorCodes(const Compilation &c) {
  std::vector<std::string> out;
  for (const Diagnostic &d : c.diags.all())
    if (d.severity == Severity::Error) out.push_back(d.code().str());
  std::sort(out.begin(), out.end());
  return out;
}

std::string applyEdits(llvm::StringRef text, std::vector<TextEdit> edits) {
  std::sort(edits.begin(), edits.end(), [](const TextEdit &a, const TextEdit &b) { return a.range.begin > b.range.begin; });
  std::string out = text.str();
  for (const TextEdit &e : edits) out.replace(e.range.begin, e.range.end - e.range.begin, e.newText);
  return out;
}

std::vector<RefactorAction> refactorActions(const Compilation &c, FileId file, uint32_t begin, uint32_t end,
                                            const std::function<bool(const std::string &)> &acceptable) {
  std::vector<RefactorAction> out;
  const ast::File *f = nullptr;
  for (const ast::File &af : c.files)
    if (af.id == file) f = &af;
  if (!f) return out;
  llvm::StringRef text = c.sources.text(file);
  auto overlaps = [&](SourceRange r) { return r.begin <= end && begin <= r.end; };
  // Each candidate costs a compile: a selection over a whole large file
  // tries the first few only.
  constexpr unsigned kMaxCandidates = 8;
  unsigned tried = 0;
  auto offer = [&](RefactorAction a) {
    if (tried++ < kMaxCandidates && acceptable(applyEdits(text, a.edits))) out.push_back(std::move(a));
  };

  // Workloads at the top level and in `for`/`if` bodies.
  std::function<void(const std::vector<ast::ItemPtr> &)> visit = [&](const std::vector<ast::ItemPtr> &items) {
    for (const ast::ItemPtr &it : items) {
      if (auto *fo = llvm::dyn_cast<ast::ForItem>(it.get()); fo && fo->body) visit(fo->body->items);
      if (auto *i = llvm::dyn_cast<ast::IfItem>(it.get())) {
        if (i->then) visit(i->then->items);
        if (i->otherwise) visit(i->otherwise->items);
      }
      auto *w = llvm::dyn_cast<ast::Declaration>(it.get());
      if (!w || !w->body || !isWorkloadKeyword(w->keyword.name) || !overlaps(w->range)) continue;
      unsigned mains = 0;
      for (const ast::ItemPtr &ci : w->body->items) {
        auto *d = llvm::dyn_cast<ast::Declaration>(ci.get());
        if (!d) continue;
        const ast::Word *name = d->nameWord();
        bool main = d->keyword.name == "container";
        if (main) ++mains;
        if (!name || !overlaps(d->range)) continue;
        std::string shown = "`" + name->text + "`";
        if (d->keyword.name == "sidecar") {
          const model::Container *mc = modelContainer(c.program, *name);
          if ((mc && mc->readiness) || hasChild(*d, "readiness")) continue;
          RefactorAction a{"add a readiness probe to sidecar " + shown, "refactor.rewrite", {}, nullptr};
          a.edits.push_back(appendToBody(text, *d, "readiness", readinessAction(*d, mc)));
          offer(std::move(a));
        } else if ((d->keyword.name == "init" && servesLikeASidecar(*d)) || (main && mains > 1)) {
          RefactorAction a{"convert " + shown + " to a native sidecar", "refactor.rewrite", {}, nullptr};
          a.edits.push_back({d->keyword.range, "sidecar"});
          // An init container with probes or hooks: this is the fix.
          for (const Diagnostic &diag : c.diags.all())
            if (diag.kind == DiagKind::InitContainerProbe && diag.range.file == file && d->range.begin <= diag.range.begin &&
                diag.range.end <= d->range.end) {
              a.kind = "quickfix";
              a.fixes = &diag;
            }
          offer(std::move(a));
        }
      }
    }
  };
  visit(f->items);
  return out;
}

// The server's side: compile candidates like the document itself compiles
// (checker phase; the project's imports as the editor sees them).
void Server::addRefactorings(const Document &d, uint32_t begin, uint32_t end, llvm::json::Array &actions) {
  Analysis &a = analyse(d);
  const Compilation &c = *a.compilation;
  std::vector<std::string> before = errorCodes(c);
  auto acceptable = [&](const std::string &newText) {
    CompileOptions opts;
    opts.stopAfter = Phase::Check;
    opts.root = std::filesystem::path(d.path).parent_path().string();
    opts.readFile = [this](const std::string &path) -> std::optional<std::string> {
      if (Document *open = docs_.findByPath(path)) return docs_.text(*open).str();
      std::ifstream in(path, std::ios::binary);
      if (!in) return std::nullopt;
      std::ostringstream ss;
      ss << in.rdbuf();
      return ss.str();
    };
    std::vector<std::string> after = errorCodes(*compile({SourceInput{d.path, newText}}, opts));
    // No error the original did not have (as many of each code at most).
    return std::includes(before.begin(), before.end(), after.begin(), after.end());
  };
  for (RefactorAction &r : refactorActions(c, a.file, begin, end, acceptable)) {
    llvm::json::Array edits;
    for (const TextEdit &e : r.edits) edits.push_back(llvm::json::Object{{"range", toLsp(c, e.range)}, {"newText", e.newText}});
    llvm::json::Object action{{"title", r.title},
                              {"kind", r.kind},
                              {"edit", llvm::json::Object{{"changes", llvm::json::Object{{d.uri, std::move(edits)}}}}}};
    if (r.fixes)
      action["diagnostics"] = llvm::json::Array{llvm::json::Object{
          {"range", toLsp(c, r.fixes->range)}, {"message", r.fixes->message}, {"code", r.fixes->code().str()}, {"source", "rig"}}};
    actions.push_back(std::move(action));
  }
}

} // namespace rig::lsp
