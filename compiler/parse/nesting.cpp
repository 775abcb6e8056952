#include "compiler/parse/nesting.h"

#include <array>
#include <cctype>

namespace rig {

namespace {

bool isWordByte(char c) { return isalnum((unsigned char)c) || c == '_'; }

// The length of the keyword operator (`not`, `and`, `or`) that starts a
// word at text[i], or 0. The parsers nest one level per keyword operator
// exactly as per `!`, `&&` and `||`, so the nesting scans count them alike.
size_t wordOperatorAt(llvm::StringRef text, size_t i) {
  if (i > 0 && isWordByte(text[i - 1])) return 0;
  for (llvm::StringRef word : {"not", "and", "or"})
    if (text.substr(i).startswith(word) && (i + word.size() >= text.size() || !isWordByte(text[i + word.size()])))
      return word.size();
  return 0;
}

// Whether the `(` or `[` at text[i] applies to the bracketed expression
// before it (`f(x)(y)`, `a[0][1]`): such a postfix chain opens and closes
// its brackets one after the other, so it never gets deep, but each call
// or index wraps the whole chain before it and the tree is as deep as the
// chain is long. The scans count these brackets as operators too.
bool isPostfixBracket(llvm::StringRef text, size_t i) {
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
  return i > 0 && (text[i - 1] == ')' || text[i - 1] == ']');
}

} // namespace

// An interpolation is parsed as an expression of its own, one level below
// the string, so its brackets nest on top of the string's depth and its
// operators add to the chain the string is part of. (The lexer ends a
// string at its first unescaped quote, so the code inside has no strings
// of its own.)
size_t findDeepInterpolation(llvm::StringRef content, unsigned outerDepth, unsigned outerOperators, unsigned limit,
                             unsigned maxOperators) {
  for (size_t i = 0; i + 1 < content.size(); ++i) {
    if (content[i] == '\\') {
      ++i;
      continue;
    }
    if (content[i] != '$' || content[i + 1] != '{') continue;
    unsigned depth = outerDepth + 1, operators = outerOperators, braces = 0;
    if (depth > limit) return i;
    for (i += 2; i < content.size(); ++i) {
      char c = content[i];
      if (size_t word = wordOperatorAt(content, i)) {
        if (++operators > maxOperators) return i;
        i += word - 1;
        continue;
      }
      if ((c == '(' || c == '[') && isPostfixBracket(content, i) && ++operators > maxOperators) return i;
      if (c == '(' || c == '[' || c == '{') {
        if (c == '{') ++braces;
        if (++depth > limit) return i;
      } else if (c == ')' || c == ']' || c == '}') {
        if (c == '}' && braces-- == 0) break; // the interpolation's own close
        if (depth > outerDepth + 1) --depth;
      } else if (isNestingOperatorChar(c)) {
        if (++operators > maxOperators) return i;
      }
    }
  }
  return llvm::StringRef::npos;
}

size_t findDeepNesting(llvm::StringRef text, unsigned limit, unsigned maxOperators) {
  // Most bytes (letters, digits, spaces) matter to none of the rules
  // below: skip them by table, not by a chain of comparisons.
  static const auto interesting = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : llvm::StringRef("+-*/%!&|<>=.?\n;,{}eano\"#([)]")) t[c] = true;
    return t;
  }();
  unsigned depth = 0, elses = 0;
  OperatorChain chain;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!interesting[(unsigned char)c]) continue;
    // Comments first: their `/` is no operator, and the newline that ends
    // a line comment is a separator (a thousand comment lines in a row once
    // read as one long operator chain), even after a `\` in the comment.
    if (c == '#' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
      size_t nl = text.find('\n', i);
      if (nl == llvm::StringRef::npos) return llvm::StringRef::npos;
      i = nl;
      chain.lineEnd();
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t end = text.find("*/", i + 2);
      if (end == llvm::StringRef::npos) return llvm::StringRef::npos;
      i = end + 1;
      continue;
    }
    if (c == '+' || c == '-' || c == '*' || c == '/' || c == '%' || c == '!' || c == '&' || c == '|' || c == '<' ||
        c == '>' || c == '=' || c == '.' || c == '?') {
      if (!chain.add(1, maxOperators)) return i;
    } else if (c == '\n' || c == ';') {
      // A `\` ending the line joins the next to it (no newline token).
      bool continued = c == '\n' && ((i > 0 && text[i - 1] == '\\') ||
                                     (i > 1 && text[i - 1] == '\r' && text[i - 2] == '\\'));
      if (!continued) chain.lineEnd();
    } else if (c == ',') {
      // Inside brackets the next element nests on what is outside them:
      // `[- - - [1, - - - [` nests both.
      chain.comma();
    } else if (c == '{') {
      chain.openBrace();
    } else if (c == '}') {
      chain.closeBrace();
    } else if (c == 'e' && text.substr(i, 4) == "else" && (i == 0 || !isalnum((unsigned char)text[i - 1])) &&
               (i + 4 >= text.size() || !isalnum((unsigned char)text[i + 4]))) {
      // Each `else if` nests one level deeper, across lines too.
      if (++elses > maxOperators) return i;
    } else if (size_t word = (c == 'n' || c == 'a' || c == 'o') ? wordOperatorAt(text, i) : 0) {
      if (!chain.add(1, maxOperators)) return i;
      i += word - 1;
      continue;
    } else if ((c == '(' || c == '[') && isPostfixBracket(text, i)) {
      if (!chain.add(1, maxOperators)) return i;
    }
    if (c == '"') {
      bool block = text.substr(i, 3) == "\"\"\"";
      size_t contentBegin = i + (block ? 3 : 1);
      size_t end = block ? text.find("\"\"\"", i + 3) : i + 1;
      if (!block)
        while (end < text.size() && text[end] != '"' && text[end] != '\n') end += text[end] == '\\' ? 2 : 1;
      if (end == llvm::StringRef::npos || end >= text.size()) return llvm::StringRef::npos;
      size_t deepInside = findDeepInterpolation(text.slice(contentBegin, end), depth, chain.count(), limit, maxOperators);
      if (deepInside != llvm::StringRef::npos) return contentBegin + deepInside;
      i = block ? end + 2 : end;
    } else if (c == '(' || c == '[' || c == '{') {
      if (c != '{') chain.openBracket();
      if (++depth > limit) return i;
    } else if (c == ')' || c == ']' || c == '}') {
      if (c != '}') chain.closeBracket();
      if (depth > 0) --depth;
    }
  }
  return llvm::StringRef::npos;
}

} // namespace rig
