// The standard library, embedded into the binary at build time
// (stdlib/embed.cmake): every `stdlib/std/**/*.rig` by its import path.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace rig::stdlib {

struct EmbeddedFile {
  llvm::StringRef path; // "std/sidecars.rig"
  llvm::StringRef text;
};

// Sorted by path.
llvm::ArrayRef<EmbeddedFile> files();

// The file for an import path with or without `.rig`; null when absent.
const EmbeddedFile *find(llvm::StringRef path);

} // namespace rig::stdlib
