// AppArmor profiles declared with `apparmor NAME { … }`: rules in source order, flags, includes.
// Part of the model (see model.h): built by check, read by verify, emit and
// explain.
#pragma once

#include <string>
#include <vector>

#include "compiler/source/source_manager.h"

namespace rig::model {

struct AppArmorModel {};

} // namespace rig::model
