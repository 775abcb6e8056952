#include "compiler/verify/properties.h"

namespace rig::verify {

void verifyFailureRules(const model::Program &program, Diagnostics &diags, const VerifyOptions &opts, VerifyResult &result) {
  (void)program;
  (void)diags;
  (void)opts;
  (void)result;
}

} // namespace rig::verify
