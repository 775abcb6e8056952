// Storage: storage classes, volume attributes classes and claims (PVCs).
// Part of the model (see model.h): built by check, read by verify, emit and
// explain.
#pragma once

#include <string>
#include <vector>

#include "compiler/source/source_manager.h"

namespace rig::model {

struct StorageModel {};

} // namespace rig::model
