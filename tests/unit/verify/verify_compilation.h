// What the GPU placement tests share: a whole compilation up to the verify
// phase, and a look for a diagnostic code in it.
#pragma once

#include <memory>
#include <string>

#include "compiler/driver/driver.h"

namespace rig::test {

inline std::unique_ptr<Compilation> compileToVerify(const std::string &text, k8s::Version target = {1, 34}) {
  CompileOptions opts;
  opts.target = target;
  opts.stopAfter = Phase::Verify;
  return compile({{"t.rig", text}}, opts);
}

inline bool hasCode(const Compilation &c, llvm::StringRef code) {
  for (const Diagnostic &d : c.diags.all())
    if (diagInfo(d.kind).code == code) return true;
  return false;
}

} // namespace rig::test
