// AppArmor profiles: `apparmor NAME { … }`.
#include "compiler/check/checker.h"

namespace rig::sema {

bool Checker::checkAppArmorDeclaration(const ast::Declaration &d) {
  (void)d;
  return false;
}

void Checker::finishAppArmor() {}

} // namespace rig::sema
