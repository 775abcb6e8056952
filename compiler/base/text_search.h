// Finding a short string in a whole source file.
//
// llvm::StringRef::find takes about half a microsecond per kilobyte (a
// byte-skip loop, branching at every step): 0.27 ms to find no `namespace`
// in a 530 KB file, against 0.06 here, where candidates are the positions
// at which the needle's first and last bytes both match, found 16 bytes at
// a time, and only those are compared whole.
#pragma once

#include <cstddef>

#include "llvm/ADT/StringRef.h"

namespace rig {

// The first position at or after `from` where `needle` (not empty) occurs
// in `text`, or StringRef::npos; as text.find(needle, from).
size_t findInText(llvm::StringRef text, llvm::StringRef needle, size_t from = 0);

} // namespace rig
