// The fast path of the parse phase: a hand-written lexer and recursive
// descent parser for grammar/Rig.g4 that builds exactly the tree the ANTLR
// builder in parse.cpp builds, for input without any error. On the first
// lexical or syntax problem it gives up (returns nullopt, reports nothing)
// and parse() runs the ANTLR parser, which reports and recovers. Private to
// the parse layer.
#pragma once

#include <optional>

#include "compiler/ast/ast.h"

namespace rig {

std::optional<ast::File> fastParse(const SourceManager &sm, FileId file);

} // namespace rig
