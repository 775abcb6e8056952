// Inlay hints for failure rules: the exit codes a rule with ranges or
// `not in` resolves to (`on exit 1..5, 42` → "6 codes: 1–5, 42"), and on a
// job made from a template (std/failures conventions) the rules it expands
// to. Read from the checked model, so the hints say what the build emits.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/driver/driver.h"

namespace rig::lsp {

// (byte offset in `file`, label) pairs, in source order.
std::vector<std::pair<uint32_t, std::string>> failureRuleHints(const Compilation &c, FileId file);

// "1–5, 42": sorted disjoint ranges as written for people.
std::string describeCodes(const std::vector<model::ExitRange> &ranges);

} // namespace rig::lsp
