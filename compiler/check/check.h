// Check: AST -> model. Resolves names, types and units, applies the
// Kubernetes validation rules of the target version, and computes what the
// back ends need (start order, QoS class). The only phase that reads the AST.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/model/model.h"

namespace rig {

class EarlyWorkloadCheck;

// How the files of one compilation import each other; built by the driver's
// module loader (which reads and parses each file once). Without it every
// file is an entry and an `import` cannot be resolved.
struct ModuleGraph {
  struct Module {
    std::string path;    // as imported: "std/sidecars.rig", "lib/web.rig"
    bool stdlib = false; // embedded standard library: definitions only
    bool entry = false;  // named on the command line (or in its directory)
  };
  std::vector<Module> modules;                             // parallel to check()'s files
  std::map<const ast::ImportDecl *, size_t> imports;       // resolved imports -> file index
};

struct CheckOptions {
  // --k8s from the command line; wins over `target kubernetes` in the file.
  std::optional<k8s::Version> target;
  const ModuleGraph *modules = nullptr;
  // Bounds on evaluation, so every program terminates with a clear error:
  // how deep templates may instantiate templates, and how many items
  // (objects, containers, fields) templates and comprehensions may produce.
  unsigned maxTemplateDepth = 64;
  size_t maxExpandedItems = 5'000'000;
  // Claims a previous build wrote (driver: `--previous DIR`, or the output
  // directory being replaced); their immutable fields are compared.
  std::vector<model::PreviousClaim> previousClaims;
  // Threads that check workloads of a large build (0: one per core, at
  // most 8); results are the same for any number.
  unsigned threads = 0;
  // Workloads already checked while their files were parsed (driver, with
  // CompileOptions::dropCheckedSyntax); check() takes their results
  // instead of checking them again. Null: none.
  EarlyWorkloadCheck *early = nullptr;
};

model::Program check(llvm::ArrayRef<const ast::File *> files, const SourceManager &sm, Diagnostics &diags,
                     const CheckOptions &opts = {});

// The version word of a `target` declaration of the one accepted shape,
// `target kubernetes "X.Y"` (no body, no value), or null. check() reports
// any other shape; the driver compares the declared version with the one
// the early check assumed.
const ast::Word *targetVersionWord(const ast::Declaration &d);

} // namespace rig
