#include "lsp/stdlib_cache.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <unistd.h>

#include "llvm/Support/xxhash.h"
#include "stdlib/embedded.h"

namespace fs = std::filesystem;

namespace rig::lsp {

namespace {

constexpr const char *kVersion = "0.1.0";

fs::path cacheBase() {
  if (const char *x = std::getenv("XDG_CACHE_HOME"); x && *x && fs::path(x).is_absolute()) return fs::path(x) / "rig" / "stdlib";
  if (const char *h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "rig" / "stdlib";
  return fs::temp_directory_path() / ("rig-" + std::to_string(getuid())) / "stdlib";
}

// The version directory: the release and a hash of every module's path and text.
fs::path cacheRoot() {
  uint64_t h = 0;
  for (const stdlib::EmbeddedFile &f : stdlib::files()) {
    h = h * 1000003u ^ llvm::xxHash64(f.path);
    h = h * 1000003u ^ llvm::xxHash64(f.text);
  }
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return cacheBase() / (std::string(kVersion) + "-" + std::string(hex, 12));
}

bool sameContent(const fs::path &p, llvm::StringRef text) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str() == text;
}

// Writes every module (once per process and root), each through a temporary file and
// a rename so a concurrent server never reads half a file.
bool writeCache(const fs::path &root) {
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  static std::set<std::string> written;
  if (written.count(root.string())) return true;
  for (const stdlib::EmbeddedFile &f : stdlib::files()) {
    fs::path target = root / f.path.str();
    if (sameContent(target, f.text)) continue;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    fs::path tmp = target;
    tmp += ".tmp" + std::to_string(getpid());
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(f.text.data(), static_cast<std::streamsize>(f.text.size()));
      if (!out) {
        fs::remove(tmp, ec);
        return false;
      }
    }
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read, ec);
    fs::rename(tmp, target, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return false;
    }
  }
  written.insert(root.string());
  return true;
}

} // namespace

std::optional<std::string> stdlibFilePath(llvm::StringRef modulePath) {
  fs::path root = cacheRoot();
  if (!stdlib::find(modulePath) || !writeCache(root)) return std::nullopt;
  return (root / modulePath.str()).string();
}

bool isStdlibCachePath(llvm::StringRef path) {
  fs::path rel = fs::path(path.str()).lexically_normal().lexically_relative(cacheBase());
  return !rel.empty() && *rel.begin() != "..";
}

} // namespace rig::lsp
