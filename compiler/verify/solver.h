// A narrow solver API (after Alive2's smt/solver.h): a closed result set and
// bounded queries. Property checkers build on it; nothing outside the verify
// layer includes it, and it exposes no Z3 type. Z3 itself is a module loaded
// on the first Solver (solver_module.h): builds without solver queries never
// map it, and a missing module makes every query Unknown, never a crash.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "compiler/verify/solver_backend.h"
#include "compiler/verify/verify.h"

namespace rig::verify {

struct SolverModule; // solver_module.h

// SolverResult (Sat, Unsat, Timeout, Unknown) is in solver_backend.h.
const char *solverResultName(SolverResult r);

// A small propositional/integer query language, enough for the properties
// rig checks; terms are built and owned by the Solver.
class Solver {
public:
  // Loads the Z3 module on first use (solverModule()).
  explicit Solver(const VerifyOptions &opts);
  // Uses the given module; one that did not load gives a Solver whose
  // every check() is Unknown (the test hook for that path).
  Solver(const VerifyOptions &opts, const SolverModule &module);
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
  // Linear integer arithmetic: Σ coeffs[i]·ints[i] ≤ k (≥ k).
  Term linearLe(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs, int64_t k);
  Term linearGe(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs, int64_t k);

  // Strings and regular expressions (used as an independent oracle for the
  // AppArmor glob automata; Z3's string solver is too slow for the checker
  // itself, see solver-notes.md). Literals are taken byte for byte.
  Term stringVar(const std::string &name);
  Term stringConst(const std::string &value);
  Term reLiteral(const std::string &value);
  Term reRange(char lo, char hi);   // one character in lo..hi
  Term reUnion(const std::vector<Term> &res);     // empty: matches nothing
  Term reConcat(const std::vector<Term> &res);    // empty: the empty string
  Term reIntersect(const std::vector<Term> &res);
  Term reComplement(Term re);
  Term reStar(Term re);
  Term inRe(Term str, Term re);
  // After Sat: the value of a string variable in the model.
  std::string stringValue(Term t);

  void add(Term t);
  // Adds `t` tracked under `label`; unsatCore() returns the labels involved.
  void addTracked(Term t, const std::string &label);
  // pop() also forgets the terms built since the matching push(): do not
  // use them afterwards.
  void push();
  void pop();
  SolverResult check();
  // After Sat: the value of an integer variable in the model.
  int64_t intValue(Term t);
  bool boolValue(Term t);
  std::vector<std::string> unsatCore();
  // After Timeout/Unknown: Z3's reason ("timeout", "max. resource limit
  // exceeded"), or unavailableReason() when there is no Z3.
  std::string reasonUnknown();
  // Empty when Z3 is loaded; otherwise why not, naming the library and the
  // loader's error. Every check() of such a Solver answers Unknown.
  const std::string &unavailableReason() const;

private:
  friend class Interrupt;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Abandons a verify run from another thread: trigger() interrupts the
// queries running in every Solver built with VerifyOptions::interrupt set
// to it (they answer Timeout), and every later check() answers Timeout at
// once, so the run ends quickly with inconclusive results the caller throws
// away. Solvers register for their lifetime; the Interrupt must outlive them.
class Interrupt {
public:
  void trigger();
  bool triggered() const;

private:
  friend class Solver;
  mutable std::mutex mutex_;
  bool triggered_ = false;
  std::vector<Solver *> live_;
};

} // namespace rig::verify
