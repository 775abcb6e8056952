// The only file that includes Z3. Z3 exceptions stop here and become
// SolverResult::Unknown.
#include "compiler/verify/solver.h"

#include <algorithm>

#include <z3++.h>

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

struct Solver::Impl {
  z3::context ctx;
  z3::solver solver{ctx};
  std::vector<z3::expr> terms;
  std::vector<std::pair<z3::expr, std::string>> tracked;
  // Sizes of `terms` and `tracked` at each push: pop() forgets what the
  // scope built, so one solver can serve many queries without growing.
  std::vector<std::pair<size_t, size_t>> scopes;
  bool broken = false; // a Z3 exception while asserting: every check is Unknown
  Interrupt *interrupt = nullptr;
  Term add(z3::expr e) {
    terms.push_back(e);
    return static_cast<Term>(terms.size() - 1);
  }
  z3::expr_vector vec(const std::vector<Term> &ts) {
    z3::expr_vector v(ctx);
    for (Term t : ts) v.push_back(terms[t]);
    return v;
  }
};

Solver::Solver(const VerifyOptions &opts) : impl_(std::make_unique<Impl>()) {
  z3::params p(impl_->ctx);
  p.set("timeout", opts.timeoutMs);
  p.set("rlimit", static_cast<unsigned>(std::min<uint64_t>(opts.rlimit, UINT32_MAX)));
  p.set("random_seed", opts.seed);
  impl_->solver.set(p);
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
  // Z3_interrupt is meant to be called from another thread while the
  // context's owner is inside a check; the mutex keeps the context alive.
  for (Solver *s : live_) s->impl_->ctx.interrupt();
}

bool Interrupt::triggered() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return triggered_;
}

Solver::Term Solver::intVar(const std::string &name) { return impl_->add(impl_->ctx.int_const(name.c_str())); }
Solver::Term Solver::boolVar(const std::string &name) { return impl_->add(impl_->ctx.bool_const(name.c_str())); }
Solver::Term Solver::intConst(int64_t v) { return impl_->add(impl_->ctx.int_val(v)); }
Solver::Term Solver::eq(Term a, Term b) { return impl_->add(impl_->terms[a] == impl_->terms[b]); }
Solver::Term Solver::le(Term a, Term b) { return impl_->add(impl_->terms[a] <= impl_->terms[b]); }
Solver::Term Solver::land(const std::vector<Term> &ts) {
  return ts.empty() ? impl_->add(impl_->ctx.bool_val(true)) : impl_->add(z3::mk_and(impl_->vec(ts)));
}
Solver::Term Solver::lor(const std::vector<Term> &ts) {
  return ts.empty() ? impl_->add(impl_->ctx.bool_val(false)) : impl_->add(z3::mk_or(impl_->vec(ts)));
}
Solver::Term Solver::lnot(Term t) { return impl_->add(!impl_->terms[t]); }
Solver::Term Solver::pbLe(const std::vector<Term> &bools, const std::vector<int> &coeffs, int k) {
  if (bools.empty()) return impl_->add(impl_->ctx.bool_val(0 <= k));
  return impl_->add(z3::pble(impl_->vec(bools), coeffs.data(), k));
}
Solver::Term Solver::pbGe(const std::vector<Term> &bools, const std::vector<int> &coeffs, int k) {
  if (bools.empty()) return impl_->add(impl_->ctx.bool_val(0 >= k));
  return impl_->add(z3::pbge(impl_->vec(bools), coeffs.data(), k));
}

namespace {
z3::expr linearSum(z3::context &ctx, const std::vector<z3::expr> &terms, const std::vector<Solver::Term> &ints,
                   const std::vector<int64_t> &coeffs) {
  z3::expr_vector parts(ctx);
  for (size_t i = 0; i < ints.size(); ++i)
    parts.push_back(coeffs[i] == 1 ? terms[ints[i]] : ctx.int_val(coeffs[i]) * terms[ints[i]]);
  return parts.empty() ? ctx.int_val(0) : z3::sum(parts);
}
} // namespace
Solver::Term Solver::linearLe(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs, int64_t k) {
  z3::expr e = linearSum(impl_->ctx, impl_->terms, ints, coeffs) <= impl_->ctx.int_val(k);
  return impl_->add(e);
}
Solver::Term Solver::linearGe(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs, int64_t k) {
  z3::expr e = linearSum(impl_->ctx, impl_->terms, ints, coeffs) >= impl_->ctx.int_val(k);
  return impl_->add(e);
}

Solver::Term Solver::stringVar(const std::string &name) { return impl_->add(impl_->ctx.string_const(name.c_str())); }
Solver::Term Solver::stringConst(const std::string &value) {
  // The (pointer, length) form takes bytes literally; the C-string form
  // would interpret `\u{..}` escapes.
  return impl_->add(impl_->ctx.string_val(value.data(), static_cast<unsigned>(value.size())));
}
// Terms are created before any reference into `terms` is taken: adding one
// may reallocate the vector.
Solver::Term Solver::reLiteral(const std::string &value) {
  Term s = stringConst(value);
  z3::expr re = z3::to_re(impl_->terms[s]);
  return impl_->add(re);
}
Solver::Term Solver::reRange(char lo, char hi) {
  Term l = stringConst(std::string(1, lo));
  Term h = stringConst(std::string(1, hi));
  z3::expr re = z3::range(impl_->terms[l], impl_->terms[h]);
  return impl_->add(re);
}
Solver::Term Solver::reUnion(const std::vector<Term> &res) {
  z3::sort str = impl_->ctx.string_sort();
  z3::sort reSort = impl_->ctx.re_sort(str);
  if (res.empty()) return impl_->add(z3::re_empty(reSort));
  z3::expr u = impl_->terms[res[0]];
  for (size_t i = 1; i < res.size(); ++i) u = u + impl_->terms[res[i]]; // regex union is operator+
  return impl_->add(u);
}
Solver::Term Solver::reConcat(const std::vector<Term> &res) {
  if (res.empty()) return reLiteral("");
  z3::expr c = impl_->terms[res[0]];
  for (size_t i = 1; i < res.size(); ++i) c = z3::concat(c, impl_->terms[res[i]]);
  return impl_->add(c);
}
Solver::Term Solver::reIntersect(const std::vector<Term> &res) { return impl_->add(z3::re_intersect(impl_->vec(res))); }
Solver::Term Solver::reComplement(Term re) { return impl_->add(z3::re_complement(impl_->terms[re])); }
Solver::Term Solver::reStar(Term re) { return impl_->add(z3::star(impl_->terms[re])); }
Solver::Term Solver::inRe(Term str, Term re) { return impl_->add(z3::in_re(impl_->terms[str], impl_->terms[re])); }
std::string Solver::stringValue(Term t) {
  try {
    z3::expr v = impl_->solver.get_model().eval(impl_->terms[t], true);
    return v.is_string_value() ? v.get_string() : std::string();
  } catch (const z3::exception &) {
    return std::string();
  }
}

void Solver::add(Term t) {
  try {
    impl_->solver.add(impl_->terms[t]);
  } catch (const z3::exception &) {
    impl_->broken = true;
  }
}
void Solver::addTracked(Term t, const std::string &label) {
  try {
    z3::expr lit = impl_->ctx.bool_const(("track!" + label).c_str());
    impl_->solver.add(impl_->terms[t], lit);
    impl_->tracked.emplace_back(lit, label);
  } catch (const z3::exception &) {
    impl_->broken = true;
  }
}
void Solver::push() {
  impl_->solver.push();
  impl_->scopes.emplace_back(impl_->terms.size(), impl_->tracked.size());
}
void Solver::pop() {
  impl_->solver.pop();
  if (impl_->scopes.empty()) return;
  auto [terms, tracked] = impl_->scopes.back();
  impl_->scopes.pop_back();
  impl_->terms.resize(terms, impl_->ctx.bool_val(true));
  impl_->tracked.resize(tracked, {impl_->ctx.bool_val(true), std::string()});
}

SolverResult Solver::check() {
  if (impl_->broken) return SolverResult::Unknown;
  if (impl_->interrupt && impl_->interrupt->triggered()) return SolverResult::Timeout;
  try {
    switch (impl_->solver.check()) {
    case z3::sat: return SolverResult::Sat;
    case z3::unsat: return SolverResult::Unsat;
    case z3::unknown: {
      std::string reason = impl_->solver.reason_unknown();
      return reason.find("timeout") != std::string::npos || reason.find("canceled") != std::string::npos ||
                     reason.find("resource") != std::string::npos
                 ? SolverResult::Timeout
                 : SolverResult::Unknown;
    }
    }
  } catch (const z3::exception &) {
  }
  return SolverResult::Unknown;
}

int64_t Solver::intValue(Term t) {
  try {
    z3::model m = impl_->solver.get_model();
    int64_t v = 0;
    m.eval(impl_->terms[t], true).is_numeral_i64(v);
    return v;
  } catch (const z3::exception &) {
    return 0;
  }
}

bool Solver::boolValue(Term t) {
  try {
    z3::model m = impl_->solver.get_model();
    return m.eval(impl_->terms[t], true).is_true();
  } catch (const z3::exception &) {
    return false;
  }
}

std::string Solver::reasonUnknown() {
  try {
    return impl_->solver.reason_unknown();
  } catch (const z3::exception &) {
    return "unknown";
  }
}

std::vector<std::string> Solver::unsatCore() {
  std::vector<std::string> labels;
  try {
    z3::expr_vector core = impl_->solver.unsat_core();
    for (unsigned i = 0; i < core.size(); ++i)
      for (const auto &[lit, label] : impl_->tracked)
        if (z3::eq(core[i], lit)) labels.push_back(label);
  } catch (const z3::exception &) {
  }
  return labels;
}

} // namespace rig::verify
