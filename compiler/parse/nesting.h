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
// it (the byte scan here and the fast parser's over its tokens): how deep
// the expression tree at this point can be. A newline or `;` ends a chain
// only where it separates items, outside any `(` or `[` opened within the
// innermost `{` (inside brackets a newline is part of the expression: a
// chain continued over such lines is one tree, as deep as it is long). A
// `,` ends a chain between items too; inside brackets it starts the next
// element or argument, which nests on top of what is outside the bracket
// but not on top of its siblings. A `{` starts afresh (a block's items, a
// map's entries) and its `}` takes up the chain from before it.
class OperatorChain {
public:
  // Adds `n` operators; false once the chain is longer than `max`.
  bool add(unsigned n, unsigned max) {
    operators_ += n;
    return operators_ <= max;
  }
  unsigned count() const { return operators_; }
  // A newline or `;`.
  void lineEnd() {
    if (open_.empty() || open_.back().brace) operators_ = 0;
  }
  void comma() {
    if (open_.empty() || open_.back().brace) operators_ = 0;
    else operators_ = open_.back().before;
  }
  void openBracket() { open_.push_back({operators_, false}); } // `(` or `[`
  void closeBracket() {
    if (!open_.empty() && !open_.back().brace) open_.pop_back();
  }
  void openBrace() {
    open_.push_back({operators_, true});
    operators_ = 0;
  }
  void closeBrace() {
    // Brackets left open inside the block close with it.
    while (!open_.empty() && !open_.back().brace) open_.pop_back();
    if (open_.empty()) {
      operators_ = 0;
      return;
    }
    operators_ = open_.back().before;
    open_.pop_back();
  }

private:
  struct Open {
    unsigned before; // the chain where it opened
    bool brace;      // `{`, else `(` or `[`
  };
  unsigned operators_ = 0;
  llvm::SmallVector<Open, 16> open_;
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
