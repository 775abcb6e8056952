// Driver: runs the phases in order over a set of inputs and collects what
// each produced. The CLI, the language server and the tests all go through
// here; none of them calls a phase on its own.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/check.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/driver/module_loader.h"
#include "compiler/emit/k8s/emit_k8s.h"
#include "compiler/parse/parse.h"
#include "compiler/verify/verify.h"

namespace rig {

enum class Phase { Parse, Check, Verify, Emit };

struct CompileOptions {
  std::optional<k8s::Version> target;
  emit::EmitOptions emit;
  ParseOptions parse;
  verify::VerifyOptions verify;
  bool werror = false;
  Phase stopAfter = Phase::Emit;
  bool streamOnly = false; // `-o -`: only the multi-document stream
  // The project root imports must stay inside ("" = the first input's
  // directory), and how project files are read (default: the disk).
  std::string root;
  std::function<std::optional<std::string>(const std::string &path)> readFile;
  // Evaluation bounds (see CheckOptions).
  unsigned maxTemplateDepth = 64;
  size_t maxExpandedItems = 5'000'000;
  // A directory a previous build wrote (`--previous DIR`, or the `-o`
  // directory about to be replaced): claims' immutable fields are compared
  // with it. Empty: nothing to compare.
  std::string previousOutput;
  // Threads the checker may use (0: one per core); parse and emit have
  // their own in ParseOptions and EmitOptions.
  unsigned checkThreads = 0;
  // The caller needs the model, not the syntax tree (`rig build`, `check`,
  // `explain`): the workloads of large plain files are then checked while
  // they are parsed and their bodies freed right away (see
  // check/early_check.h), which saves most of a large build's memory.
  // Compilation::files then holds those declarations without bodies.
  bool dropCheckedSyntax = false;
};

struct SourceInput {
  std::string name; // as shown in diagnostics
  std::string text;
  // When set, the text is this buffer's instead (compileFiles maps input
  // files rather than copying them).
  std::shared_ptr<const llvm::MemoryBuffer> buffer = nullptr;
};

struct Compilation {
  SourceManager sources;
  std::vector<ast::File> files; // the inputs, then the modules they import
  ModuleGraph modules;          // parallel to files
  Diagnostics diags;
  model::Program program;
  verify::VerifyResult verified;
  emit::EmitResult outputs;
  // The manifests of CompileOptions::previousOutput that were read.
  std::vector<std::string> previousFiles;
  bool ok() const { return !diags.hasErrors(); }
};

// Compiles in-memory sources. Never throws; every problem is a diagnostic.
std::unique_ptr<Compilation> compile(std::vector<SourceInput> inputs, const CompileOptions &opts);

// The verify phase on its own, for a compilation that stopped after Check
// (the language server runs it apart, on a worker thread, so the solver
// never delays the syntax and checker diagnostics). Reads `c` only — its
// findings go to `diags`, sorted — so `c` may be read elsewhere meanwhile.
// Nothing is verified when `c` has errors, as in compile().
verify::VerifyResult verifyCompilation(const Compilation &c, Diagnostics &diags, const CompileOptions &opts);

// Reads files from disk; unreadable ones become diagnostics.
std::unique_ptr<Compilation> compileFiles(const std::vector<std::string> &paths, const CompileOptions &opts);

// Writes outputs into `dir` all or nothing: everything is staged beside it
// and swapped in with renames; an existing directory is replaced only if rig
// wrote it (it holds the marker file), so `-o .` cannot wipe a source tree.
// Returns "" on success, else a message.
std::string writeOutputDirectory(const emit::EmitResult &outputs, const std::string &dir);

// `rig fmt`: parses one source and prints it in the canonical layout. On
// syntax errors `text` is empty and `diags` says why; the source is never
// half-formatted.
struct Formatted {
  SourceManager sources;
  Diagnostics diags;
  std::string text;
  bool ok() const { return !diags.hasErrors(); }
};
std::unique_ptr<Formatted> formatSource(SourceInput input, const ParseOptions &opts = {});

// A Make-style depfile: `TARGET: INPUT…`.
std::string depfile(const std::string &target, const std::vector<std::string> &inputs);

constexpr const char *kOutputMarker = ".rig-output";

} // namespace rig
