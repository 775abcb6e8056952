// Completion of names that live outside the file's own tree: members of an
// imported module after `alias.` (stdlib or project: its lets and templates,
// with their signatures and doc comments), the file's module aliases, and
// AppArmor profile names after `apparmor =` (the build's profiles and the
// built-in `runtime_default`, `unconfined`, `localhost("…")`).
#pragma once

#include <optional>
#include <vector>

#include "compiler/driver/driver.h"
#include "lsp/ast_query.h"

namespace rig::lsp {

// The completions for these contexts, or nullopt when the cursor is in none
// of them (the block's keywords and fields apply then).
std::optional<std::vector<CompletionEntry>> contextNameCompletions(const Compilation &c, FileId file, uint32_t offset);

// Names always in scope besides the file's lets and templates: module aliases.
std::vector<CompletionEntry> aliasCompletions(const Compilation &c, FileId file);

} // namespace rig::lsp
