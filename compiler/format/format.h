// The formatter: a parsed file and its comments -> rig's one canonical
// layout. Structure (indentation, one item per line, spacing around `=`,
// braces, blank lines) is rebuilt from the AST; the text of expressions,
// strings, numbers and words is copied from the source, so formatting can
// never change what a file means. Comments stay where they were: above the
// item they preceded, or at the end of the line they ended.
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/source/source_manager.h"

namespace rig {

struct FormatOptions {
  unsigned indent = 2;
  // A block written on one line stays on one line when it fits.
  unsigned maxLineLength = 100;
};

// `file` must have parsed without errors (a broken file has no reliable
// structure to rebuild).
std::string format(const ast::File &file, const SourceManager &sm, const FormatOptions &opts = {});

} // namespace rig
