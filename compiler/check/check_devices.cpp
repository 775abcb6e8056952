// GPUs: DRA device classes, claims, cluster inventories.
#include "compiler/check/checker.h"

namespace rig::sema {

bool Checker::checkDeviceDeclaration(const ast::Declaration &d, const std::string &ns) {
  (void)d;
  (void)ns;
  return false;
}

void Checker::finishDevices() {}

} // namespace rig::sema
