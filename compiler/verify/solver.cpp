// The Solver front: forwards every operation to a backend, the Z3 module
// (verify/z3/solver_z3.cpp) when it loads, or a stand-in that answers
// Unknown with the loader's error when it does not. No Z3 here: this file
// is linked into rig, the module is not.
#include "compiler/verify/solver.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/verify/solver_module.h"

namespace rig::verify {

const char *solverResultName(SolverResult r) {
  switch (r) {
  case SolverResult::Sat: return "sat";
  case SolverResult::Unsat: return "unsat";
  case SolverResult::Timeout: return "timeout";
  case SolverResult::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

// Stands in for Z3 when its module did not load: builds terms (numbers
// with no meaning) so the property checkers run unchanged, and answers
// every query Unknown, so they report "inconclusive" with the reason.
class UnavailableBackend final : public SolverBackend {
public:
  explicit UnavailableBackend(std::string reason) : reason_(std::move(reason)) {}
  Term intVar(const std::string &) override { return next(); }
  Term boolVar(const std::string &) override { return next(); }
  Term intConst(int64_t) override { return next(); }
  Term eq(Term, Term) override { return next(); }
  Term le(Term, Term) override { return next(); }
  Term land(const std::vector<Term> &) override { return next(); }
  Term lor(const std::vector<Term> &) override { return next(); }
  Term lnot(Term) override { return next(); }
  Term pbLe(const std::vector<Term> &, const std::vector<int> &, int) override { return next(); }
  Term pbGe(const std::vector<Term> &, const std::vector<int> &, int) override { return next(); }
  Term linearLe(const std::vector<Term> &, const std::vector<int64_t> &, int64_t) override { return next(); }
  Term linearGe(const std::vector<Term> &, const std::vector<int64_t> &, int64_t) override { return next(); }
  Term stringVar(const std::string &) override { return next(); }
  Term stringConst(const std::string &) override { return next(); }
  Term reLiteral(const std::string &) override { return next(); }
  Term reRange(char, char) override { return next(); }
  Term reUnion(const std::vector<Term> &) override { return next(); }
  Term reConcat(const std::vector<Term> &) override { return next(); }
  Term reIntersect(const std::vector<Term> &) override { return next(); }
  Term reComplement(Term) override { return next(); }
  Term reStar(Term) override { return next(); }
  Term inRe(Term, Term) override { return next(); }
  std::string stringValue(Term) override { return std::string(); }
  void add(Term) override {}
  void addTracked(Term, const std::string &) override {}
  void push() override {}
  void pop() override {}
  SolverResult check() override { return SolverResult::Unknown; }
  int64_t intValue(Term) override { return 0; }
  bool boolValue(Term) override { return false; }
  std::vector<std::string> unsatCore() override { return {}; }
  std::string reasonUnknown() override { return reason_; }
  void interrupt() override {}

private:
  Term next() { return terms_++; }
  std::string reason_;
  Term terms_ = 0;
};

} // namespace

struct Solver::Impl {
  std::unique_ptr<SolverBackend> backend;
  std::string unavailable; // empty when backend is Z3
  Interrupt *interrupt = nullptr;
};

Solver::Solver(const VerifyOptions &opts) : Solver(opts, solverModule()) {}

Solver::Solver(const VerifyOptions &opts, const SolverModule &module) : impl_(std::make_unique<Impl>()) {
  if (module.create) {
    impl_->backend.reset(module.create(SolverBackendLimits{opts.timeoutMs, opts.rlimit, opts.seed}));
    if (!impl_->backend) impl_->unavailable = fmt::format("the Z3 solver module `{}` could not create a solver", module.path);
  } else {
    impl_->unavailable = module.error.empty() ? "the Z3 solver module is not loaded" : module.error;
  }
  if (!impl_->backend) impl_->backend = std::make_unique<UnavailableBackend>(impl_->unavailable);
  if (opts.interrupt) {
    std::lock_guard<std::mutex> lock(opts.interrupt->mutex_);
    impl_->interrupt = opts.interrupt;
    opts.interrupt->live_.push_back(this);
  }
}
Solver::~Solver() {
  if (Interrupt *i = impl_->interrupt) {
    std::lock_guard<std::mutex> lock(i->mutex_);
    i->live_.erase(std::remove(i->live_.begin(), i->live_.end(), this), i->live_.end());
  }
}

void Interrupt::trigger() {
  std::lock_guard<std::mutex> lock(mutex_);
  triggered_ = true;
  // The mutex keeps every registered Solver (and its backend) alive while
  // the backend interrupts the check its owner may be running.
  for (Solver *s : live_) s->impl_->backend->interrupt();
}

bool Interrupt::triggered() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return triggered_;
}

Solver::Term Solver::intVar(const std::string &name) { return impl_->backend->intVar(name); }
Solver::Term Solver::boolVar(const std::string &name) { return impl_->backend->boolVar(name); }
Solver::Term Solver::intConst(int64_t v) { return impl_->backend->intConst(v); }
Solver::Term Solver::eq(Term a, Term b) { return impl_->backend->eq(a, b); }
Solver::Term Solver::le(Term a, Term b) { return impl_->backend->le(a, b); }
Solver::Term Solver::land(const std::vector<Term> &ts) { return impl_->backend->land(ts); }
Solver::Term Solver::lor(const std::vector<Term> &ts) { return impl_->backend->lor(ts); }
Solver::Term Solver::lnot(Term t) { return impl_->backend->lnot(t); }
Solver::Term Solver::pbLe(const std::vector<Term> &bools, const std::vector<int> &coeffs, int k) {
  return impl_->backend->pbLe(bools, coeffs, k);
}
Solver::Term Solver::pbGe(const std::vector<Term> &bools, const std::vector<int> &coeffs, int k) {
  return impl_->backend->pbGe(bools, coeffs, k);
}
Solver::Term Solver::linearLe(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs, int64_t k) {
  return impl_->backend->linearLe(ints, coeffs, k);
}
Solver::Term Solver::linearGe(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs, int64_t k) {
  return impl_->backend->linearGe(ints, coeffs, k);
}

Solver::Term Solver::stringVar(const std::string &name) { return impl_->backend->stringVar(name); }
Solver::Term Solver::stringConst(const std::string &value) { return impl_->backend->stringConst(value); }
Solver::Term Solver::reLiteral(const std::string &value) { return impl_->backend->reLiteral(value); }
Solver::Term Solver::reRange(char lo, char hi) { return impl_->backend->reRange(lo, hi); }
Solver::Term Solver::reUnion(const std::vector<Term> &res) { return impl_->backend->reUnion(res); }
Solver::Term Solver::reConcat(const std::vector<Term> &res) { return impl_->backend->reConcat(res); }
Solver::Term Solver::reIntersect(const std::vector<Term> &res) { return impl_->backend->reIntersect(res); }
Solver::Term Solver::reComplement(Term re) { return impl_->backend->reComplement(re); }
Solver::Term Solver::reStar(Term re) { return impl_->backend->reStar(re); }
Solver::Term Solver::inRe(Term str, Term re) { return impl_->backend->inRe(str, re); }
std::string Solver::stringValue(Term t) { return impl_->backend->stringValue(t); }

void Solver::add(Term t) { impl_->backend->add(t); }
void Solver::addTracked(Term t, const std::string &label) { impl_->backend->addTracked(t, label); }
void Solver::push() { impl_->backend->push(); }
void Solver::pop() { impl_->backend->pop(); }

SolverResult Solver::check() {
  Interrupt *i = impl_->interrupt;
  if (i && i->triggered()) return SolverResult::Timeout;
  SolverResult r = impl_->backend->check();
  // A query stopped by trigger() ends Unknown ("interrupted") in Z3: it was
  // stopped, like one that ran out of time.
  if (r == SolverResult::Unknown && i && i->triggered()) return SolverResult::Timeout;
  return r;
}

int64_t Solver::intValue(Term t) { return impl_->backend->intValue(t); }
bool Solver::boolValue(Term t) { return impl_->backend->boolValue(t); }
std::string Solver::reasonUnknown() { return impl_->backend->reasonUnknown(); }
const std::string &Solver::unavailableReason() const { return impl_->unavailable; }
std::vector<std::string> Solver::unsatCore() { return impl_->backend->unsatCore(); }

} // namespace rig::verify
