// The fast path of the parse phase: a hand-written lexer and recursive
// descent parser for grammar/Rig.g4 that builds exactly the tree the ANTLR
// builder in parse.cpp builds, for input without any error. On the first
// lexical or syntax problem it gives up (returns nullopt, reports nothing)
// and parse() runs the ANTLR parser, which reports and recovers. Private to
// the parse layer.
#pragma once

#include <optional>

#include "compiler/ast/ast.h"
#include "compiler/ast/item_sink.h"

namespace rig {

// What a file cut into text parts holds before the first part that failed:
// every part before it parsed on its own, from the start of the file, so
// a single pass would be in the same state where it ends (between
// top-level items, no bracket or comment open). parse() then needs the
// ANTLR parser, which is much slower, only from there on (see there).
struct FastParsePrefix {
  uint32_t end = 0; // where the rest starts; 0: no part parsed before the failure
  unsigned elses = 0; // `else`s in those parts: the nesting bounds count them across the file
  std::vector<ast::ItemPtr> items;
  std::vector<ast::Comment> comments;
};

struct FastParseOptions {
  // Threads for a large file (0: one per core, at most 8), and the fewest
  // tokens worth a thread of their own.
  unsigned threads = 0;
  size_t tokensPerThread = 200000;
  // The fewest bytes worth a thread when the text itself is cut (lexing
  // too runs in parts then; see parseInTextParts), and about the size of
  // each part (at most bytesPerThread): the threads lex and parse one part
  // at a time, each taking the next one when it is done with its own. A
  // part of 32 KiB is about 0.4 ms of work with its early check, so the
  // thread that finishes first waits about half that for the other: at
  // 1,000 workloads 64 KiB parts were 0.45 ms slower (medians of 200
  // interleaved runs), 16 KiB no better, and at 10,000 the three equal.
  size_t bytesPerThread = 256 * 1024;
  size_t bytesPerPart = 32 * 1024;
  // Set to the number of parts the file was parsed in (tests check that
  // splitting happened).
  size_t *partsUsed = nullptr;
  // Files nesting brackets deeper, or chaining more operators, than
  // parse()'s limits are declined before parsing (see nesting.h).
  unsigned maxNesting = 200;
  unsigned maxOperators = 1000;
  // Receives the top-level items of a file parsed in text parts.
  ast::ItemSink *itemSink = nullptr;
  // When a file cut into text parts has a part that fails, receives what
  // parsed before it; fastParse then parses the rest in one pass, and
  // leaves the prefix here if that fails too. Null: not wanted.
  FastParsePrefix *prefix = nullptr;
};

std::optional<ast::File> fastParse(const SourceManager &sm, FileId file, const FastParseOptions &opts = {});

// Where a large file's text is cut: right after a line that is only `}`
// and before a line that starts with a name (`deployment web {`), which in
// a formatted file is where one top-level item ends and the next begins.
// The first such place at or after `from`, or npos. Only a guess: the line
// may be inside a comment, a string or a block.
size_t nextItemBoundary(llvm::StringRef text, size_t from);

} // namespace rig
