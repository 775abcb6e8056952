// Sections of `rig explain`, one file per feature; explain.cpp puts them in
// order. Each returns "" when the program has nothing of its kind.
#pragma once

#include <string>

#include "compiler/model/model.h"
#include "compiler/verify/verify.h"

namespace rig::explain_parts {

// Per workload, after start order and resources: the failure-rule decision
// table of a job (explain_job.cpp).
std::string jobSection(const model::Workload &w, const verify::VerifyResult &verified);

// Whole-program sections (explain_storage.cpp, explain_devices.cpp,
// explain_apparmor.cpp).
std::string storageSection(const model::Program &program);
std::string deviceSection(const model::Program &program, const verify::VerifyResult &verified);
std::string appArmorSection(const model::Program &program);

} // namespace rig::explain_parts
