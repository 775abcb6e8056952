#include "compiler/explain/explain_parts.h"

namespace rig::explain_parts {

std::string appArmorSection(const model::Program &program) {
  (void)program;
  return "";
}

} // namespace rig::explain_parts
