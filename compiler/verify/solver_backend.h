// The interface between solver.cpp (in rig itself) and the Z3 module
// (verify/z3/solver_z3.cpp, built as librig_solver_z3.so and dlopen'ed on
// the first Solver). It names no Z3 type, and everything in it is inline:
// the module is loaded RTLD_LOCAL and must not need any symbol of rig's.
//
// The operations mirror Solver's (solver.h documents them). Both sides are
// built from the same tree by the same compiler, so std::string and
// std::vector cross the boundary as they are. Their memory crosses one way
// only: the module returns strings and vectors by value, which rig frees,
// and takes rig's by const reference, never freeing them. That is what
// lets each side have its own allocator: rig links libstdc++ statically
// and replaces operator new for its one-shot commands, while the module's
// allocations come from the shared libstdc++, i.e. malloc, and rig's
// operator delete hands a block it did not allocate to free(). The
// factory's name carries a version (`_v2`) so a module left over from
// another interface is refused at dlsym time instead of being called: bump
// it whenever this file changes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rig::verify {

enum class SolverResult { Sat, Unsat, Timeout, Unknown };

class SolverBackend {
public:
  using Term = unsigned;
  virtual ~SolverBackend() = default;

  virtual Term intVar(const std::string &name) = 0;
  virtual Term boolVar(const std::string &name) = 0;
  virtual Term intConst(int64_t v) = 0;
  virtual Term eq(Term a, Term b) = 0;
  virtual Term le(Term a, Term b) = 0;
  virtual Term land(const std::vector<Term> &ts) = 0;
  virtual Term lor(const std::vector<Term> &ts) = 0;
  virtual Term lnot(Term t) = 0;
  virtual Term pbLe(const std::vector<Term> &bools, const std::vector<int> &coeffs, int k) = 0;
  virtual Term pbGe(const std::vector<Term> &bools, const std::vector<int> &coeffs, int k) = 0;
  virtual Term linearLe(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs, int64_t k) = 0;
  virtual Term linearGe(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs, int64_t k) = 0;

  virtual Term stringVar(const std::string &name) = 0;
  virtual Term stringConst(const std::string &value) = 0;
  virtual Term reLiteral(const std::string &value) = 0;
  virtual Term reRange(char lo, char hi) = 0;
  virtual Term reUnion(const std::vector<Term> &res) = 0;
  virtual Term reConcat(const std::vector<Term> &res) = 0;
  virtual Term reIntersect(const std::vector<Term> &res) = 0;
  virtual Term reComplement(Term re) = 0;
  virtual Term reStar(Term re) = 0;
  virtual Term inRe(Term str, Term re) = 0;
  virtual std::string stringValue(Term t) = 0;

  virtual void add(Term t) = 0;
  virtual void addTracked(Term t, const std::string &label) = 0;
  virtual void push() = 0;
  virtual void pop() = 0;
  virtual SolverResult check() = 0;
  virtual int64_t intValue(Term t) = 0;
  virtual bool boolValue(Term t) = 0;
  virtual std::vector<std::string> unsatCore() = 0;
  virtual std::string reasonUnknown() = 0;
  // Called from another thread while check() may be running (Z3_interrupt).
  virtual void interrupt() = 0;
};

// Bounds every query of one backend (VerifyOptions' solver part).
struct SolverBackendLimits {
  unsigned timeoutMs;
  uint64_t rlimit;
  unsigned seed;
};

#define RIG_SOLVER_BACKEND_FACTORY rig_solver_backend_create_v2
#define RIG_SOLVER_BACKEND_FACTORY_NAME "rig_solver_backend_create_v2"
// The module's one exported symbol: a new backend, owned by the caller
// (deleted through the virtual destructor, whose code is the module's).
using SolverBackendFactory = SolverBackend *(*)(const SolverBackendLimits &limits);

} // namespace rig::verify
