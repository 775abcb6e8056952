// Bounds on how deeply source nests, checked before any parser recurses.
// Both parsers, the tree walkers and the evaluator recurse once per bracket
// or operator; input past these bounds gets E0010 instead of a stack
// overflow. Real files nest a handful of levels and chain a few operators.
#pragma once

#include <cstddef>

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <utility>

namespace rig {

// The offset of the first bracket nested deeper than `limit`, or of an
// operator chain longer than `maxOperators` between separators, or npos.
// A rough scan of the bytes (it skips strings, except their
// interpolations, and comments): what the ANTLR path relies on.
size_t findDeepNesting(llvm::StringRef text, unsigned limit, unsigned maxOperators);

// Within a string literal's content: the offset of the first bracket or
// operator of an interpolation (`${…}`) that goes past the limits, given
// the depth and operator count where the string stands; or npos.
size_t findDeepInterpolation(llvm::StringRef content, unsigned outerDepth, unsigned outerOperators, unsigned limit,
                             unsigned maxOperators);

// The length of the operator chain being read, as both nesting scans count
// it (the byte scan here and the fast parser's over its tokens). A newline,
// `;` or `,` ends a chain only where it separates items: outside any `(`
// or `[` opened within the innermost `{` (a newline inside brackets is
// part of the expression, and a chain continued across such lines is one
// tree, as deep as it is long). A `{` starts afresh (a block's items, a
// map's entries) and its `}` takes up the chain that was before it.
class OperatorChain {
public:
  // Adds `n` operators; false once the chain is longer than `max`.
  bool add(unsigned n, unsigned max) {
    operators_ += n;
    return operators_ <= max;
  }
  unsigned count() const { return operators_; }
  // A newline, `;` or `,`.
  void separator() {
    if (brackets_ == 0) operators_ = 0;
  }
  void openBracket() { ++brackets_; } // `(` or `[`
  void closeBracket() {
    if (brackets_ > 0) --brackets_;
  }
  void openBrace() {
    outer_.push_back({operators_, brackets_});
    operators_ = brackets_ = 0;
  }
  void closeBrace() {
    if (outer_.empty()) {
      operators_ = brackets_ = 0;
      return;
    }
    operators_ = outer_.back().first;
    brackets_ = outer_.back().second;
    outer_.pop_back();
  }

private:
  unsigned operators_ = 0, brackets_ = 0;
  llvm::SmallVector<std::pair<unsigned, unsigned>, 16> outer_; // per open `{`: the chain and brackets before it
};

// The byte scan's operator characters, for scans over tokens that must
// count the same way.
// (A switch, not a search of "+-*/%!&|<>=.?": this runs for every
// character of every number and operator token, and a search is a memchr
// call each time.)
inline bool isNestingOperatorChar(char c) {
  switch (c) {
  case '+': case '-': case '*': case '/': case '%': case '!': case '&':
  case '|': case '<': case '>': case '=': case '.': case '?':
    return true;
  default:
    return false;
  }
}

} // namespace rig
