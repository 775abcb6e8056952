#include "lsp/workspace_files.h"

#include <algorithm>
#include <filesystem>

namespace rig::lsp {

namespace fs = std::filesystem;

std::vector<std::string> workspaceRigFiles(const std::vector<std::string> &recursiveRoots,
                                           const std::vector<std::string> &flatRoots, size_t maxFiles) {
  std::vector<std::string> out;
  auto take = [&](const fs::directory_entry &e) {
    std::error_code ec;
    if (e.path().extension() != ".rig" || !e.is_regular_file(ec)) return;
    out.push_back(fs::absolute(e.path(), ec).lexically_normal().string());
  };
  // Entries visited, files or not: what bounds the walk's time.
  size_t budget = maxFiles * 8;
  for (const std::string &root : recursiveRoots) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end && out.size() < maxFiles && budget > 0; it.increment(ec), --budget) {
      const fs::path &p = it->path();
      std::string name = p.filename().string();
      std::error_code dirEc;
      if (it->is_directory(dirEc) && (name.empty() || name[0] == '.' || name == "node_modules")) {
        it.disable_recursion_pending();
        continue;
      }
      take(*it);
    }
  }
  for (const std::string &root : flatRoots) {
    std::error_code ec;
    fs::directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end && out.size() < maxFiles && budget > 0; it.increment(ec), --budget) take(*it);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > maxFiles) out.resize(maxFiles);
  return out;
}

} // namespace rig::lsp
