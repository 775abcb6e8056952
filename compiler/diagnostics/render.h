// The only places that turn diagnostics into text: a clang-style renderer
// with caret lines, JSON (one object per diagnostic) and SARIF 2.1.0.
#pragma once

#include <string>

#include "compiler/diagnostics/diagnostic.h"

namespace rig {

enum class DiagnosticFormat { Text, Json, Sarif };

struct RenderOptions {
  bool color = false;
  // Golden tests print the kind name beside the code so they match kinds,
  // not wording.
  bool showKindNames = false;
};

std::string renderText(const SourceManager &sm, llvm::ArrayRef<Diagnostic> diags,
                       const RenderOptions &opts = {});
std::string renderJson(const SourceManager &sm, llvm::ArrayRef<Diagnostic> diags);
std::string renderSarif(const SourceManager &sm, llvm::ArrayRef<Diagnostic> diags,
                        llvm::StringRef toolVersion);
std::string render(DiagnosticFormat format, const SourceManager &sm,
                   llvm::ArrayRef<Diagnostic> diags, const RenderOptions &opts = {});

} // namespace rig
