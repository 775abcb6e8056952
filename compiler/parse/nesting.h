// Bounds on how deeply source nests, checked before any parser recurses.
// Both parsers, the tree walkers and the evaluator recurse once per bracket
// or operator; input past these bounds gets E0010 instead of a stack
// overflow. Real files nest a handful of levels and chain a few operators.
#pragma once

#include <cstddef>

#include "llvm/ADT/StringRef.h"

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
