#include "compiler/explain/explain_parts.h"

namespace rig::explain_parts {

std::string jobSection(const model::Workload &w, const verify::VerifyResult &verified) {
  (void)w;
  (void)verified;
  return "";
}

} // namespace rig::explain_parts
