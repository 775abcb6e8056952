#include "compiler/explain/explain_parts.h"

namespace rig::explain_parts {

std::string deviceSection(const model::Program &program, const verify::VerifyResult &verified) {
  (void)program;
  (void)verified;
  return "";
}

} // namespace rig::explain_parts
