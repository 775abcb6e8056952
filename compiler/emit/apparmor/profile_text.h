// Emit: AppArmor profile text, one file per profile (`out/apparmor/NAME`),
// in the canonical form apparmor_parser 3.0 accepts: an `abi` line, the
// global tunables, variables, then `profile NAME flags=(…) { … }` with
// includes first and one rule per line in source order.
#pragma once

#include <string>
#include <vector>

#include "compiler/emit/k8s/emit_k8s.h"
#include "compiler/model/model.h"

namespace rig::emit {

std::string appArmorProfileText(const model::AppArmorProfile &p);

// `apparmor/NAME` for every profile, in name order.
std::vector<OutputFile> appArmorProfileFiles(const model::Program &program);

} // namespace rig::emit
