// Parse: source text -> ast::File plus every syntax diagnostic in the file.
// The ANTLR-generated parser is private to parse.cpp; nothing else in rig
// sees an ANTLR type.
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/diagnostics/diagnostic.h"

namespace rig {

struct ParseOptions {
  // Inputs larger than this are refused before lexing: an accident (a
  // binary or a log passed by mistake) should fail fast, not eat memory.
  size_t maxFileBytes = 64u << 20;
  // After this many syntax errors in one file the rest is noise.
  unsigned maxSyntaxErrors = 50;
};

// Parses one file already added to `sm`. Always returns a File; on errors it
// holds every item that could be recovered, and `diags` says what was wrong.
ast::File parse(const SourceManager &sm, FileId file, Diagnostics &diags,
                const ParseOptions &opts = {});

// Decodes a string literal's escapes (\n \t \r \" \\ \$ \u{…}); reports bad
// escapes. Exposed for the formatter and tests.
std::string cookString(llvm::StringRef raw, SourceRange where, Diagnostics &diags);

} // namespace rig
