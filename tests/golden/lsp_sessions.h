// Scripted language-server sessions: tests/golden/lsp/*.session (format in
// lsp_sessions.cpp), registered by the golden runner.
#pragma once

#include <filesystem>

namespace rig::golden {

void registerLspSessions(const std::filesystem::path &root, bool autoupdate);

} // namespace rig::golden
