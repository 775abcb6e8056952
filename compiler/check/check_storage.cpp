// Storage classes, volume attributes classes and claims.
#include "compiler/check/checker.h"

namespace rig::sema {

bool Checker::checkStorageDeclaration(const ast::Declaration &d, const std::string &ns) {
  (void)d;
  (void)ns;
  return false;
}

void Checker::finishStorage() {}

} // namespace rig::sema
