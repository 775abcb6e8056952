// Check: AST -> model. Resolves names, types and units, applies the
// Kubernetes validation rules of the target version, and computes what the
// back ends need (start order, QoS class). The only phase that reads the AST.
#pragma once

#include <optional>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/model/model.h"

namespace rig {

struct CheckOptions {
  // --k8s from the command line; wins over `target kubernetes` in the file.
  std::optional<k8s::Version> target;
  // Claims a previous build wrote (driver: `--previous DIR`, or the output
  // directory being replaced); their immutable fields are compared.
  std::vector<model::PreviousClaim> previousClaims;
};

model::Program check(llvm::ArrayRef<const ast::File *> files, const SourceManager &sm, Diagnostics &diags,
                     const CheckOptions &opts = {});

} // namespace rig
