// Code actions beyond the checker's fix-its: rewrites rig knows to be safe
// mechanically. Each candidate is applied to the text and compiled before it
// is offered, and is dropped if the result has an error the original did not
// have — an action never leaves a file that `rig check` rejects for it.
//
// - "add a readiness probe to sidecar X": a sidecar without one (after its
//   template, if it has one) gets `tcp_socket port P` on its first TCP port,
//   else an `exec` placeholder that fails until it is edited (a probe that
//   always succeeded would hide the missing check).
// - "convert X to a native sidecar": an init container that serves (a port,
//   probes or hooks; with probes or hooks it is E0309's quick fix) or a
//   second main container, rewritten to `sidecar` — it then runs beside the
//   main containers for the pod's life. An init container that only runs to
//   completion is left alone.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/driver/driver.h"

namespace rig::lsp {

struct TextEdit {
  SourceRange range;
  std::string newText;
};

struct RefactorAction {
  std::string title;
  std::string kind; // "quickfix" or "refactor.rewrite"
  std::vector<TextEdit> edits;
  const Diagnostic *fixes = nullptr; // the diagnostic a quick fix resolves
};

// The actions for declarations in `file` that overlap [begin, end].
// `acceptable(newText)` compiles the edited file and says whether it is
// no worse than before.
std::vector<RefactorAction> refactorActions(const Compilation &c, FileId file, uint32_t begin, uint32_t end,
                                            const std::function<bool(const std::string &)> &acceptable);

// The error codes of a compilation, sorted (for "no worse than before").
std::vector<std::string> errorCodes(const Compilation &c);

// Applies non-overlapping edits of one file to its text.
std::string applyEdits(llvm::StringRef text, std::vector<TextEdit> edits);

} // namespace rig::lsp
