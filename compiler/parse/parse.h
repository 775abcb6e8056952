// Parse: source text -> ast::File plus every syntax diagnostic in the file.
// The ANTLR-generated parser is private to parse.cpp; nothing else in rig
// sees an ANTLR type.
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/ast/item_sink.h"
#include "compiler/diagnostics/diagnostic.h"

namespace rig {

struct ParseOptions {
  // Inputs larger than this are refused before lexing: an accident (a
  // binary or a log passed by mistake) should fail fast, not eat memory.
  size_t maxFileBytes = 64u << 20;
  // After this many syntax errors in one file the rest is noise.
  unsigned maxSyntaxErrors = 50;
  // How far past its first error a file is read with error recovery (to the
  // next top-level item boundary): the ANTLR parser that recovers takes
  // about 120 bytes of memory per byte it reads.
  size_t maxRecoveryBytes = 2u << 20;
  // Both parsers recurse once per bracket; deeper input is refused before
  // parsing so it cannot exhaust the stack.
  unsigned maxNesting = 200;
  // Which front end parses. Auto runs the hand-written fast parser and, on
  // any error, the ANTLR parser generated from grammar/Rig.g4, which is the
  // reference: it reports every error and recovers. Tests force one or the
  // other to check that both build the same tree.
  enum class Engine { Auto, Antlr, Fast } engine = Engine::Auto;
  // Threads the fast parser may use on a large file (0: one per core), and
  // how it cuts one (FastParseOptions; tests make the parts small).
  unsigned fastThreads = 0;
  size_t fastBytesPerThread = 256 * 1024;
  size_t fastBytesPerPart = 32 * 1024;
  // Gets the top-level items of a file the fast parser splits into parts
  // (a large one), as they are made (see ast::ItemSink). Null: none.
  ast::ItemSink *itemSink = nullptr;
};

// Parses one file already added to `sm`. Always returns a File; on errors it
// holds every item that could be recovered, and `diags` says what was wrong.
ast::File parse(const SourceManager &sm, FileId file, Diagnostics &diags,
                const ParseOptions &opts = {});

// Decodes a string literal's escapes (\n \t \r \" \\ \$ \u{…}); reports bad
// escapes. Exposed for the formatter and tests.
std::string cookString(llvm::StringRef raw, SourceRange where, Diagnostics &diags);

// One piece of the inside of a string literal: literal text (escapes still
// in place) or the code of a `${…}` interpolation. Offsets are relative to
// the inside of the literal; for an interpolation they span the code only.
struct StringPiece {
  bool interpolation = false;
  size_t begin = 0, end = 0;
};

// Splits the inside of a string literal into pieces, as both parsers read
// it. Returns the offset of an unterminated `${` (whose text, to the end,
// becomes a literal piece), or npos.
size_t splitStringLiteral(llvm::StringRef inner, std::vector<StringPiece> &pieces);

// The last steps both parsers take on a string: a text block's dedent, and
// one empty literal part for an empty string.
void finishStringExpr(ast::StringExpr &str, llvm::StringRef inner, bool textBlock, SourceRange inside);

// Removes a text block's ("""…""") opening newline, closing line and
// common indentation from its literal parts. `raw` is the text between the
// quotes as written.
void dedentTextBlock(llvm::StringRef raw, ast::StringExpr &str);

} // namespace rig
