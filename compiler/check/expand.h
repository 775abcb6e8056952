// Expansion: the first step of check. Resolves what makes rig more than
// YAML — imports, `let`, templates, `for` and `if` — into plain
// declarations, so every construct's checker sees only what the user could
// have written by hand. Values of `let`s, template parameters and loop
// variables are substituted into the cloned tree as literals (keeping the
// range of the reference), so the checker evaluates and reports on them as
// usual. Evaluation is pure and bounded: template depth and the number of
// produced items are limited (CheckOptions).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/check.h"
#include "compiler/diagnostics/diagnostic.h"

namespace rig::sema {

// One template instantiation, for the "instantiated here" labels of
// diagnostics reported inside a template's body.
struct Instantiation {
  std::string templateName; // as called: `sc.istio_proxy`
  SourceRange templateRange; // the whole `template … { … }`
  SourceRange site;          // the call
  int parent = -1;           // the instantiation this one happened inside
};

struct ExpandedProgram {
  // The files whose declarations become objects (entries and project
  // modules; never the stdlib), in order. Files that needed no expansion
  // are the originals; the rest are owned here.
  std::vector<const ast::File *> files;
  std::vector<std::unique_ptr<ast::File>> owned;
  // Per top-level item of `files`: the instantiations inside it.
  std::map<const ast::Item *, std::vector<Instantiation>> instantiations;
  // A bound was hit (size or depth): what was built is partial, so the
  // checker must not look at it.
  bool aborted = false;
};

ExpandedProgram expand(llvm::ArrayRef<const ast::File *> files, const SourceManager &sm, Diagnostics &diags,
                       const CheckOptions &opts);

// Adds "instantiated here" labels to diagnostics reported (from index
// `first` on) inside the body of a template instantiated in `chain`.
void labelInstantiations(Diagnostics &diags, size_t first, const std::vector<Instantiation> &chain);

// For diagnostics reported after every item was checked (cross-object
// rules), from index `first` on: labels on the instantiations whose
// template holds them, wherever they were (at most three, then a count).
void labelAnyInstantiation(Diagnostics &diags, size_t first, const ExpandedProgram &expanded);

} // namespace rig::sema
