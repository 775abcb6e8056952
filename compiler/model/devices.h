// GPUs and devices: DRA device classes, claims and templates, cluster inventories.
// Part of the model (see model.h): built by check, read by verify, emit and
// explain.
#pragma once

#include <string>
#include <vector>

#include "compiler/source/source_manager.h"

namespace rig::model {

struct DeviceModel {};

} // namespace rig::model
