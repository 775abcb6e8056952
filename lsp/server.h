// Server: JSON-RPC dispatch and the LSP features. The only place compiler
// types (diagnostics, ranges, AST query answers) become LSP shapes. It is
// driven message by message (`handle`) and sends through a callback, so
// tests run whole sessions in-process without a transport.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "compiler/driver/driver.h"
#include "lsp/documents.h"
#include "lsp/protocol.h"
#include "lsp/transport.h"
#include "lsp/verify_worker.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace rig::lsp {

class SymbolIndex;

class Server {
public:
  using Send = std::function<void(const llvm::json::Value &)>;
  using Log = std::function<void(llvm::StringRef)>;
  // `solverReady` runs on the verify worker's thread when solver findings
  // are ready to publish (the stdio loop wakes up on it); see
  // publishSolverFindings().
  Server(Send send, Log log, std::function<void()> solverReady = {});

  void handle(const llvm::json::Value &message);
  // Compiles every document edited since its last compile (the latest text
  // only, however many edits queued) up to the checker, publishes its
  // diagnostics and hands it to the verify worker. The stdio loop calls it
  // when no input is waiting: that is the debounce.
  void flushDiagnostics();
  // Publishes the solver findings the worker finished, merged with the
  // checker's, for documents still at the version verified; stale ones are
  // dropped. Runs on the message thread.
  void publishSolverFindings();
  // Blocks until the worker is idle (finite inputs and tests: replies then
  // come in a deterministic order). Never called while serving an editor.
  void waitForSolver() { worker_.waitIdle(); }

  // Cancellation. The stdio loop reads every message already waiting
  // before handling any (see run.cpp), and shows each to lookAhead(): a
  // `$/cancelRequest` there marks its id, and the request, when handled,
  // is answered RequestCancelled. endBatch() forgets marks of requests
  // that were answered before their cancel arrived.
  void lookAhead(const llvm::json::Value &message);
  void endBatch() { cancelled_.clear(); }

  bool exited() const { return exited_; }
  // LSP: 0 when `exit` follows `shutdown`, else 1.
  int exitCode() const { return shutdown_ ? 0 : 1; }
  bool shutdownReceived() const { return shutdown_; }
  // How many compilations ran (tests check the debounce with it).
  unsigned compileCount() const { return compileCount_; }

private:
  struct Analysis {
    int64_t version = -1;
    // Stopped after Check; shared with the verify worker while it runs.
    std::shared_ptr<const Compilation> compilation;
    FileId file; // the document inside `compilation`
    std::vector<Diagnostic> solverFindings; // once the worker has verified it
    std::shared_ptr<const SymbolIndex> symbols; // of `compilation`, built on first use (symbolsOf)
  };

  void handleRequest(llvm::StringRef method, const llvm::json::Value &id, const llvm::json::Object &params);
  void handleNotification(llvm::StringRef method, const llvm::json::Object &params);

  llvm::json::Value initialize(const llvm::json::Object &params);
  llvm::json::Value hover(const Document &d, const llvm::json::Object &params);
  llvm::json::Value completion(const Document &d, const llvm::json::Object &params);
  llvm::json::Value formatting(const Document &d);
  llvm::json::Value documentSymbol(const Document &d);
  llvm::json::Value codeAction(const Document &d, const llvm::json::Object &params);
  llvm::json::Value definition(const Document &d, const llvm::json::Object &params);
  llvm::json::Value foldingRange(const Document &d);
  llvm::json::Value inlayHint(const Document &d);
  llvm::json::Value workspaceSymbol(const llvm::json::Object &params);
  // Navigation over the symbol index (lsp/navigation.cpp).
  struct Reply {
    llvm::json::Value result = nullptr;
    std::string error; // non-empty: answered as a RequestFailed error with this message
  };
  llvm::json::Value references(const Document &d, const llvm::json::Object &params);
  Reply prepareRename(const Document &d, const llvm::json::Object &params);
  Reply rename(const Document &d, const llvm::json::Object &params);
  std::string uriOf(const Analysis &a, const Document &d, FileId file);
  // Calls `visit` with the analysis of `d`, of every other open document,
  // and of every closed workspace file that may use `name` from another file.
  void forEachAnalysis(const Document &d, llvm::StringRef name,
                       llvm::function_ref<void(Analysis &, const Document &)> visit);
  static const SymbolIndex &symbolsOf(Analysis &a);
  llvm::json::Value semanticTokensFull(const Document &d); // lsp/semantic_tokens.cpp
  // Rewrites beyond fix-its for [begin, end] (lsp/code_actions.cpp).
  void addRefactorings(const Document &d, uint32_t begin, uint32_t end, llvm::json::Array &actions);

  // The analysis of the document's current version, compiling if stale.
  Analysis &analyse(const Document &d);
  // What analyse() compiles a file at `path` with.
  CompileOptions analysisOptions(const std::string &path);
  // The analysis of the file at `path` with text `text`, not kept: what
  // analyse() keeps for a document, and what a closed file gets.
  Analysis analyseText(const std::string &path, std::string text);
  // The workspace's closed .rig files whose text has `import` and `name`
  // (path, text): those a reference to, or rename of, a name declared in
  // another file can reach beyond the open documents (lsp/navigation.cpp).
  std::vector<std::pair<std::string, std::string>> closedFilesMentioning(llvm::StringRef name);
  void publish(const Document &d);
  void sendDiagnostics(const Document &d, const Analysis &a);
  llvm::json::Value toLsp(const Compilation &c, SourceRange r) const;
  std::optional<uint32_t> cursor(const Document &d, const llvm::json::Object &params) const;
  const ast::File *astOf(const Analysis &a) const;

  Send send_;
  Log log_;
  DocumentStore docs_;
  // The workspace folders (`workspaceFolders`, else `rootUri`/`rootPath` of
  // initialize); without any, the folders of the open documents stand in.
  std::vector<std::string> roots_;
  std::map<std::string, Analysis> analyses_; // by uri
  std::set<std::string> pending_;            // uris edited since their last publish
  std::set<std::string> cancelled_;          // request ids (idKey) cancelled ahead
  bool initialized_ = false, shutdown_ = false, exited_ = false;
  unsigned compileCount_ = 0;
  // Last: destroyed (interrupted and joined) before what it reports into.
  VerifyWorker worker_;
};

// One batch of the stdio loop (see run.cpp): frames read together, each
// already shown to Server::lookAhead, handled in order; bad frames are
// logged or answered with a parse error. Returns the exit code once the
// session ended (`exit`, or the end of input), else nullopt.
std::optional<int> handleBatch(Server &server, std::vector<ReadResult> &batch, const Server::Send &send,
                               const Server::Log &log);

// Runs the server over a byte stream (stdio for `rig lsp`) until `exit` or
// the end of input; returns the process exit code.
int runServer(std::istream &in, std::ostream &out, std::ostream &log);

} // namespace rig::lsp
