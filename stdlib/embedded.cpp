#include "stdlib/embedded.h"

namespace rig::stdlib {

const EmbeddedFile *find(llvm::StringRef path) {
  std::string withExt = path.endswith(".rig") ? path.str() : path.str() + ".rig";
  for (const EmbeddedFile &f : files())
    if (f.path == withExt) return &f;
  return nullptr;
}

} // namespace rig::stdlib
