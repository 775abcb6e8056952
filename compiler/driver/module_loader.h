// Module loading: finds, reads and parses every file the inputs import,
// each once per compilation, and records how they import each other
// (ModuleGraph). Imports resolve only inside the project root (the entry
// file's directory, or --root) and the embedded standard library; escapes
// (`..`, absolute paths, symlinks leading out) and cycles are errors.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/check.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/parse/parse.h"

namespace rig {

struct ModuleLoadOptions {
  std::string root; // "" = the directory of the first input
  ParseOptions parse;
  // Reads a project file; the language server serves open documents here.
  // Defaults to the file system.
  std::function<std::optional<std::string>(const std::string &path)> readFile;
};

// `files` holds the parsed inputs (entries) on entry; imported modules are
// appended. Returns the graph, parallel to `files`.
ModuleGraph loadModules(std::vector<ast::File> &files, SourceManager &sm, Diagnostics &diags, const ModuleLoadOptions &opts);

} // namespace rig
