#include "compiler/verify/verify.h"

#include "compiler/verify/properties.h"

namespace rig::verify {

VerifyResult verify(const model::Program &program, Diagnostics &diags, const VerifyOptions &opts) {
  VerifyResult result;
  verifyFailureRules(program, diags, opts, result);
  verifyPlacement(program, diags, opts, result);
  return result;
}

} // namespace rig::verify
