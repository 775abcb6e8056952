// dlopen of the Z3 module; see solver_module.h for why and where.
#include "compiler/verify/solver_module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include <fmt/format.h>

// Both come from CMake (compiler/CMakeLists.txt) for this file alone.
#ifndef RIG_SOLVER_MODULE_NAME
#define RIG_SOLVER_MODULE_NAME "librig_solver_z3.so"
#endif
#ifndef RIG_SOLVER_MODULE_BUILD_PATH
#define RIG_SOLVER_MODULE_BUILD_PATH ""
#endif

namespace rig::verify {
namespace {

std::string executableDirectory() {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size());
  if (n <= 0 || static_cast<size_t>(n) >= buf.size()) return std::string();
  buf.resize(static_cast<size_t>(n));
  size_t slash = buf.rfind('/');
  return slash == std::string::npos ? std::string() : buf.substr(0, slash);
}

// Loads one file; on failure returns dlerror()'s text (which names the file
// or the library it needed).
SolverBackendFactory tryLoad(const std::string &path, std::string &error) {
  // RTLD_NOW: an unresolved symbol fails here, not in the middle of a query.
  // RTLD_LOCAL: Z3's symbols stay out of the global namespace.
  void *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *e = ::dlerror();
    error = e ? e : fmt::format("{}: cannot be loaded", path);
    return nullptr;
  }
  void *sym = ::dlsym(handle, RIG_SOLVER_BACKEND_FACTORY_NAME);
  if (!sym) {
    error = fmt::format("{}: no `{}` (a module built for another version of rig)", path, RIG_SOLVER_BACKEND_FACTORY_NAME);
    ::dlclose(handle);
    return nullptr;
  }
  return reinterpret_cast<SolverBackendFactory>(sym);
}

} // namespace

std::vector<std::string> solverModuleCandidates() {
  if (const char *forced = std::getenv("RIG_SOLVER_MODULE"); forced && *forced) return {forced};
  std::vector<std::string> out;
  auto add = [&](const std::filesystem::path &p) {
    std::string s = p.lexically_normal().string();
    // build/rig's own directory is also the build tree: look there once.
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  };
  if (std::string dir = executableDirectory(); !dir.empty()) {
    add(std::filesystem::path(dir) / RIG_SOLVER_MODULE_NAME);
    add(std::filesystem::path(dir) / ".." / "lib" / "rig" / RIG_SOLVER_MODULE_NAME);
  }
  if (*RIG_SOLVER_MODULE_BUILD_PATH) add(RIG_SOLVER_MODULE_BUILD_PATH);
  return out;
}

SolverModule loadSolverModule(const std::vector<std::string> &candidates) {
  SolverModule m;
  std::string firstError, existingError;
  for (const std::string &path : candidates) {
    std::string error;
    if (SolverBackendFactory f = tryLoad(path, error)) {
      m.create = f;
      m.path = path;
      return m;
    }
    if (firstError.empty()) firstError = error;
    if (existingError.empty() && ::access(path.c_str(), F_OK) == 0) existingError = error;
  }
  if (candidates.empty()) {
    m.error = "cannot load the Z3 solver module `" RIG_SOLVER_MODULE_NAME "`: nowhere to look for it";
    return m;
  }
  m.error = fmt::format("cannot load the Z3 solver module `{}`: {}", RIG_SOLVER_MODULE_NAME,
                        existingError.empty() ? firstError : existingError);
  if (candidates.size() > 1) {
    std::string others;
    for (size_t i = 0; i < candidates.size(); ++i) others += fmt::format("{}`{}`", i == 0 ? "" : ", ", candidates[i]);
    m.error += fmt::format(" (looked for {})", others);
  }
  return m;
}

const SolverModule &solverModule() {
  static std::once_flag once;
  static SolverModule module;
  std::call_once(once, [] { module = loadSolverModule(solverModuleCandidates()); });
  return module;
}

} // namespace rig::verify
