// The .rig files of the workspace, for the requests that must reach files
// the editor has not opened: references and rename (a module's importers
// are usually closed while the module is edited).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace rig::lsp {

// Paths of the .rig files in `recursiveRoots` (and every folder below
// them, except hidden ones and node_modules) and directly in `flatRoots`;
// absolute, normalized, sorted, without duplicates, and at most `maxFiles`
// (the walk stops there: a root that is a home folder must not stall a
// request).
std::vector<std::string> workspaceRigFiles(const std::vector<std::string> &recursiveRoots,
                                           const std::vector<std::string> &flatRoots, size_t maxFiles = 5000);

} // namespace rig::lsp
