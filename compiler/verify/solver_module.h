// Finding and loading the Z3 module (librig_solver_z3.so). Z3 is 23 MB of
// shared library whose relocations and static initialisers cost every rig
// start about a millisecond, while most builds never ask the solver
// anything; so rig does not link it, and the first Solver loads it here.
#pragma once

#include <string>
#include <vector>

#include "compiler/verify/solver_backend.h"

namespace rig::verify {

struct SolverModule {
  SolverBackendFactory create = nullptr; // null: not loaded
  std::string path;                      // the file loaded
  std::string error;                     // when not loaded: why, naming the library and dlerror()
};

// The places searched, in order: the file named by the environment variable
// RIG_SOLVER_MODULE alone when it is set and not empty (a test and packaging
// hook: point it at a bad path to see rig without Z3); otherwise the running executable's directory, then
// <that directory>/../lib/rig/, then the build tree the binary came from
// (so build/tests/* and the language server find build/librig_solver_z3.so).
std::vector<std::string> solverModuleCandidates();

// The process-wide module, loaded once (std::call_once: verify and the
// language server's worker may build Solvers on several threads) and never
// unloaded (Z3 keeps global state).
const SolverModule &solverModule();

// Tries `candidates` in order and returns the first that loads, without
// caching; when none does, `error` names the first existing candidate's
// dlerror() (or the first's when none exists) and where else it looked.
SolverModule loadSolverModule(const std::vector<std::string> &candidates);

} // namespace rig::verify
