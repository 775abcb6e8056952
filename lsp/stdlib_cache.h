// The embedded standard library as real files an editor can open: go to
// definition into `std/sidecars` needs a `file://` location, and every
// client opens a plain file without extra setup. The modules are written
// once, read-only, under $XDG_CACHE_HOME/rig/stdlib/<version>/ (else
// ~/.cache/…, else the temporary directory), where <version> includes a hash
// of the embedded text so a different build never reads stale files.
#pragma once

#include <optional>
#include <string>

#include "llvm/ADT/StringRef.h"

namespace rig::lsp {

// The absolute path of the cached copy of a stdlib module ("std/sidecars.rig"),
// writing the cache first if needed; nullopt when it cannot be written.
std::optional<std::string> stdlibFilePath(llvm::StringRef modulePath);

// Whether `path` lies in the stdlib cache (such a document is read-only).
bool isStdlibCachePath(llvm::StringRef path);

} // namespace rig::lsp
