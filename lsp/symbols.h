// Symbols: every named thing of a compilation (lets, templates and their
// parameters, `for` variables, import aliases, workloads, containers,
// volumes, ports, GPU requests, profiles, claims and other top-level
// declarations) and every place that names one, resolved with rig's scoping
// rules. Definition, references and rename all read this one index, so they
// agree on what a name means. Works on compiler types and byte offsets only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/driver.h"

namespace rig::lsp {

struct Symbol {
  enum class Kind { Let, Template, Param, ForVar, Alias, Module, Workload, Container, Volume, Port, Gpus, Object };
  Kind kind = Kind::Let;
  std::string name;
  std::string keyword;   // the declaring keyword (`sidecar`, `apparmor`, `let`, …)
  SourceRange decl;      // the declared name as written (a Module: the file's start)
  bool stringName = false; // declared as `"name"`: a rename writes a string
  bool renameable = true;  // false for implicit aliases, interpolated names, modules
  bool stdlib = false;     // declared in the embedded standard library
  // The names declared beside this one that a new name must not collide with.
  const std::map<std::string, size_t> *scope = nullptr;
};

struct Occurrence {
  SourceRange range; // the name as written (for a string name, with its quotes)
  size_t symbol;
  bool declaration;
  // Written as the Kubernetes name (`claim("postgres-data")` for `claim
  // postgres_data`): a rename writes the new name with `_` as `-`.
  bool dashed = false;
};

// The text a rename to `newName` writes at `o`.
std::string renamedText(const Occurrence &o, llvm::StringRef newName);

class SymbolIndex {
public:
  explicit SymbolIndex(const Compilation &c);

  const std::vector<Symbol> &symbols() const { return symbols_; }
  // The occurrence under the cursor (a name, declared or used), if any.
  const Occurrence *at(FileId file, uint32_t offset) const;
  // Every occurrence of a symbol, declarations first, in file and offset order.
  std::vector<Occurrence> occurrencesOf(size_t symbol) const;
  // Whether `name` is declared anywhere in `file` as something a plain name
  // can resolve to (lets, templates, parameters, `for` variables, import
  // aliases, top-level declarations): a conservative capture check for renames.
  bool valueNameIn(FileId file, llvm::StringRef name) const;
  bool isStdlib(FileId file) const;

private:
  friend class IndexBuilder;
  std::vector<Symbol> symbols_;
  std::vector<Occurrence> occurrences_; // sorted by (file, begin) after building
  std::map<FileId, std::vector<std::string>> valueNames_;
  std::vector<FileId> stdlibFiles_;
  // Scopes are owned here so symbols can point at them.
  std::vector<std::unique_ptr<std::map<std::string, size_t>>> scopes_;
};

// A stable identity for a symbol across compilations: the declaring file's
// name in its SourceManager and the declaration's offset.
struct SymbolKey {
  std::string file;
  uint32_t begin = 0;
  std::string name;
  friend bool operator<(const SymbolKey &a, const SymbolKey &b) {
    return std::tie(a.file, a.begin, a.name) < std::tie(b.file, b.begin, b.name);
  }
  friend bool operator==(const SymbolKey &a, const SymbolKey &b) {
    return a.file == b.file && a.begin == b.begin && a.name == b.name;
  }
};
SymbolKey keyOf(const Compilation &c, const Symbol &s);

// Reserved words of the language: never a name.
bool isReservedWord(llvm::StringRef word);
// `[A-Za-z_][A-Za-z0-9_]*` and not reserved.
bool isIdentifier(llvm::StringRef word);

// Why `newName` cannot be the new name of `s` (empty when it can): the
// spelling (identifier, Kubernetes name rules for what becomes one) only;
// collisions are checked by the caller with the index.
std::string invalidNewName(const Symbol &s, llvm::StringRef newName);

} // namespace rig::lsp
