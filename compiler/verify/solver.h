// A narrow solver API (after Alive2's smt/solver.h): a closed result set and
// bounded queries. Property checkers build on it; nothing outside the verify
// layer includes it, and it exposes no Z3 type.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/verify/verify.h"

namespace rig::verify {

enum class SolverResult { Sat, Unsat, Timeout, Unknown };
const char *solverResultName(SolverResult r);

// A small propositional/integer query language, enough for the properties
// rig checks; terms are built and owned by the Solver.
class Solver {
public:
  explicit Solver(const VerifyOptions &opts);
  ~Solver();
  Solver(const Solver &) = delete;
  Solver &operator=(const Solver &) = delete;

  using Term = unsigned;
  Term intVar(const std::string &name);
  Term boolVar(const std::string &name);
  Term intConst(int64_t v);
  Term eq(Term a, Term b);
  Term le(Term a, Term b);
  Term land(const std::vector<Term> &ts);
  Term lor(const std::vector<Term> &ts);
  Term lnot(Term t);
  // Pseudo-boolean: Σ coeffs[i]·bools[i] ≤ k (≥ k, = k).
  Term pbLe(const std::vector<Term> &bools, const std::vector<int> &coeffs, int k);
  Term pbGe(const std::vector<Term> &bools, const std::vector<int> &coeffs, int k);

  void add(Term t);
  // Adds `t` tracked under `label`; unsatCore() returns the labels involved.
  void addTracked(Term t, const std::string &label);
  void push();
  void pop();
  SolverResult check();
  // After Sat: the value of an integer variable in the model.
  int64_t intValue(Term t);
  std::vector<std::string> unsatCore();
  // After Timeout/Unknown: Z3's reason ("timeout", "max. resource limit exceeded").
  std::string reasonUnknown();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace rig::verify
