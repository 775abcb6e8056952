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

namespace rig::lsp {

class SymbolIndex;

class Server {
public:
  using Send = std::function<void(const llvm::json::Value &)>;
  using Log = std::function<void(llvm::StringRef)>;
  Server(Send send, Log log);

  void handle(const llvm::json::Value &message);
  // Compiles every document edited since its last compile (the latest text
  // only, however many edits queued) and publishes its diagnostics. The
  // stdio loop calls it when no input is waiting: that is the debounce.
  void flushDiagnostics();

  bool exited() const { return exited_; }
  // LSP: 0 when `exit` follows `shutdown`, else 1.
  int exitCode() const { return shutdown_ ? 0 : 1; }
  bool shutdownReceived() const { return shutdown_; }
  // How many compilations ran (tests check the debounce with it).
  unsigned compileCount() const { return compileCount_; }

private:
  struct Analysis {
    int64_t version = -1;
    std::unique_ptr<Compilation> compilation;
    FileId file; // the document inside `compilation`
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
  static const SymbolIndex &symbolsOf(Analysis &a);
  llvm::json::Value semanticTokensFull(const Document &d); // lsp/semantic_tokens.cpp
  // Rewrites beyond fix-its for [begin, end] (lsp/code_actions.cpp).
  void addRefactorings(const Document &d, uint32_t begin, uint32_t end, llvm::json::Array &actions);

  // The analysis of the document's current version, compiling if stale.
  Analysis &analyse(const Document &d);
  void publish(const Document &d);
  llvm::json::Value toLsp(const Compilation &c, SourceRange r) const;
  std::optional<uint32_t> cursor(const Document &d, const llvm::json::Object &params) const;
  const ast::File *astOf(const Analysis &a) const;

  Send send_;
  Log log_;
  DocumentStore docs_;
  std::map<std::string, Analysis> analyses_; // by uri
  std::set<std::string> pending_;            // uris edited since their last publish
  bool initialized_ = false, shutdown_ = false, exited_ = false;
  unsigned compileCount_ = 0;
};

// Runs the server over a byte stream (stdio for `rig lsp`) until `exit` or
// the end of input; returns the process exit code.
int runServer(std::istream &in, std::ostream &out, std::ostream &log);

} // namespace rig::lsp
