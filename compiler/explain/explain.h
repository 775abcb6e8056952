// Explain: what the compiler concluded, for people (`rig explain`): each
// workload's pod start order, QoS class and how AppArmor is emitted.
#pragma once

#include <string>

#include "compiler/model/model.h"
#include "compiler/verify/verify.h"

namespace rig {

std::string explain(const model::Program &program, const verify::VerifyResult &verified);

} // namespace rig
