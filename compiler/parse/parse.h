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
  // Both parsers recurse once per bracket; deeper input is refused before
  // parsing so it cannot exhaust the stack.
  unsigned maxNesting = 200;
  // Which front end parses. Auto runs the hand-written fast parser and, on
  // any error, the ANTLR parser generated from grammar/Rig.g4, which is the
  // reference: it reports every error and recovers. Tests force one or the
  // other to check that both build the same tree.
  enum class Engine { Auto, Antlr, Fast } engine = Engine::Auto;
};

// Parses one file already added to `sm`. Always returns a File; on errors it
// holds every item that could be recovered, and `diags` says what was wrong.
ast::File parse(const SourceManager &sm, FileId file, Diagnostics &diags,
                const ParseOptions &opts = {});

// Decodes a string literal's escapes (\n \t \r \" \\ \$ \u{…}); reports bad
// escapes. Exposed for the formatter and tests.
std::string cookString(llvm::StringRef raw, SourceRange where, Diagnostics &diags);

// Removes a text block's ("""…""") opening newline, closing line and
// common indentation from its literal parts. `raw` is the text between the
// quotes as written.
void dedentTextBlock(llvm::StringRef raw, ast::StringExpr &str);

} // namespace rig
