// The Z3 side of solver.h, built as the module librig_solver_z3.so: the only
// file that includes Z3, loaded by solver.cpp on the first Solver so that
// builds without solver queries never map libz3 (see compiler/README.md).
// Z3 exceptions stop here and become SolverResult::Unknown.
#include "compiler/verify/solver_backend.h"

#include <algorithm>
#include <utility>

#include <z3++.h>

namespace rig::verify {
namespace {

class Z3Backend final : public SolverBackend {
public:
  explicit Z3Backend(const SolverBackendLimits &limits) {
    z3::params p(ctx_);
    p.set("timeout", limits.timeoutMs);
    p.set("rlimit", static_cast<unsigned>(std::min<uint64_t>(limits.rlimit, UINT32_MAX)));
    p.set("random_seed", limits.seed);
    solver_.set(p);
  }

  Term intVar(const std::string &name) override { return keep(ctx_.int_const(name.c_str())); }
  Term boolVar(const std::string &name) override { return keep(ctx_.bool_const(name.c_str())); }
  Term intConst(int64_t v) override { return keep(ctx_.int_val(v)); }
  Term eq(Term a, Term b) override { return keep(terms_[a] == terms_[b]); }
  Term le(Term a, Term b) override { return keep(terms_[a] <= terms_[b]); }
  Term land(const std::vector<Term> &ts) override {
    return ts.empty() ? keep(ctx_.bool_val(true)) : keep(z3::mk_and(vec(ts)));
  }
  Term lor(const std::vector<Term> &ts) override {
    return ts.empty() ? keep(ctx_.bool_val(false)) : keep(z3::mk_or(vec(ts)));
  }
  Term lnot(Term t) override { return keep(!terms_[t]); }
  Term pbLe(const std::vector<Term> &bools, const std::vector<int> &coeffs, int k) override {
    if (bools.empty()) return keep(ctx_.bool_val(0 <= k));
    return keep(z3::pble(vec(bools), coeffs.data(), k));
  }
  Term pbGe(const std::vector<Term> &bools, const std::vector<int> &coeffs, int k) override {
    if (bools.empty()) return keep(ctx_.bool_val(0 >= k));
    return keep(z3::pbge(vec(bools), coeffs.data(), k));
  }
  Term linearLe(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs, int64_t k) override {
    z3::expr e = linearSum(ints, coeffs) <= ctx_.int_val(k);
    return keep(e);
  }
  Term linearGe(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs, int64_t k) override {
    z3::expr e = linearSum(ints, coeffs) >= ctx_.int_val(k);
    return keep(e);
  }

  Term stringVar(const std::string &name) override { return keep(ctx_.string_const(name.c_str())); }
  Term stringConst(const std::string &value) override {
    // The (pointer, length) form takes bytes literally; the C-string form
    // would interpret `\u{..}` escapes.
    return keep(ctx_.string_val(value.data(), static_cast<unsigned>(value.size())));
  }
  // Terms are created before any reference into `terms_` is taken: adding
  // one may reallocate the vector.
  Term reLiteral(const std::string &value) override {
    Term s = stringConst(value);
    z3::expr re = z3::to_re(terms_[s]);
    return keep(re);
  }
  Term reRange(char lo, char hi) override {
    Term l = stringConst(std::string(1, lo));
    Term h = stringConst(std::string(1, hi));
    z3::expr re = z3::range(terms_[l], terms_[h]);
    return keep(re);
  }
  Term reUnion(const std::vector<Term> &res) override {
    z3::sort str = ctx_.string_sort();
    z3::sort reSort = ctx_.re_sort(str);
    if (res.empty()) return keep(z3::re_empty(reSort));
    z3::expr u = terms_[res[0]];
    for (size_t i = 1; i < res.size(); ++i) u = u + terms_[res[i]]; // regex union is operator+
    return keep(u);
  }
  Term reConcat(const std::vector<Term> &res) override {
    if (res.empty()) return reLiteral("");
    z3::expr c = terms_[res[0]];
    for (size_t i = 1; i < res.size(); ++i) c = z3::concat(c, terms_[res[i]]);
    return keep(c);
  }
  Term reIntersect(const std::vector<Term> &res) override { return keep(z3::re_intersect(vec(res))); }
  Term reComplement(Term re) override { return keep(z3::re_complement(terms_[re])); }
  Term reStar(Term re) override { return keep(z3::star(terms_[re])); }
  Term inRe(Term str, Term re) override { return keep(z3::in_re(terms_[str], terms_[re])); }
  std::string stringValue(Term t) override {
    try {
      z3::expr v = solver_.get_model().eval(terms_[t], true);
      return v.is_string_value() ? v.get_string() : std::string();
    } catch (const z3::exception &) {
      return std::string();
    }
  }

  void add(Term t) override {
    try {
      solver_.add(terms_[t]);
    } catch (const z3::exception &) {
      broken_ = true;
    }
  }
  void addTracked(Term t, const std::string &label) override {
    try {
      z3::expr lit = ctx_.bool_const(("track!" + label).c_str());
      solver_.add(terms_[t], lit);
      tracked_.emplace_back(lit, label);
    } catch (const z3::exception &) {
      broken_ = true;
    }
  }
  void push() override {
    solver_.push();
    scopes_.emplace_back(terms_.size(), tracked_.size());
  }
  void pop() override {
    solver_.pop();
    if (scopes_.empty()) return;
    auto [terms, tracked] = scopes_.back();
    scopes_.pop_back();
    terms_.resize(terms, ctx_.bool_val(true));
    tracked_.resize(tracked, {ctx_.bool_val(true), std::string()});
  }

  SolverResult check() override {
    if (broken_) return SolverResult::Unknown;
    try {
      switch (solver_.check()) {
      case z3::sat: return SolverResult::Sat;
      case z3::unsat: return SolverResult::Unsat;
      case z3::unknown: {
        std::string reason = solver_.reason_unknown();
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

  int64_t intValue(Term t) override {
    try {
      z3::model m = solver_.get_model();
      int64_t v = 0;
      m.eval(terms_[t], true).is_numeral_i64(v);
      return v;
    } catch (const z3::exception &) {
      return 0;
    }
  }
  bool boolValue(Term t) override {
    try {
      z3::model m = solver_.get_model();
      return m.eval(terms_[t], true).is_true();
    } catch (const z3::exception &) {
      return false;
    }
  }
  std::vector<std::string> unsatCore() override {
    std::vector<std::string> labels;
    try {
      z3::expr_vector core = solver_.unsat_core();
      for (unsigned i = 0; i < core.size(); ++i)
        for (const auto &[lit, label] : tracked_)
          if (z3::eq(core[i], lit)) labels.push_back(label);
    } catch (const z3::exception &) {
    }
    return labels;
  }
  std::string reasonUnknown() override {
    try {
      return solver_.reason_unknown();
    } catch (const z3::exception &) {
      return "unknown";
    }
  }
  // Z3_interrupt is meant to be called from another thread while the
  // context's owner is inside a check; the caller (Interrupt) keeps this
  // backend alive meanwhile.
  void interrupt() override { ctx_.interrupt(); }

private:
  Term keep(z3::expr e) {
    terms_.push_back(std::move(e));
    return static_cast<Term>(terms_.size() - 1);
  }
  z3::expr_vector vec(const std::vector<Term> &ts) {
    z3::expr_vector v(ctx_);
    for (Term t : ts) v.push_back(terms_[t]);
    return v;
  }
  z3::expr linearSum(const std::vector<Term> &ints, const std::vector<int64_t> &coeffs) {
    z3::expr_vector parts(ctx_);
    for (size_t i = 0; i < ints.size(); ++i)
      parts.push_back(coeffs[i] == 1 ? terms_[ints[i]] : ctx_.int_val(coeffs[i]) * terms_[ints[i]]);
    return parts.empty() ? ctx_.int_val(0) : z3::sum(parts);
  }

  z3::context ctx_;
  z3::solver solver_{ctx_};
  std::vector<z3::expr> terms_;
  std::vector<std::pair<z3::expr, std::string>> tracked_;
  // Sizes of `terms_` and `tracked_` at each push: pop() forgets what the
  // scope built, so one solver can serve many queries without growing.
  std::vector<std::pair<size_t, size_t>> scopes_;
  bool broken_ = false; // a Z3 exception while asserting: every check is Unknown
};

} // namespace
} // namespace rig::verify

// The module's only exported symbol (the target is built with hidden
// visibility). A Z3 exception while creating the context becomes "no
// backend", which the loader reports like a missing module.
extern "C" __attribute__((visibility("default"))) rig::verify::SolverBackend *
RIG_SOLVER_BACKEND_FACTORY(const rig::verify::SolverBackendLimits &limits) {
  try {
    return new rig::verify::Z3Backend(limits);
  } catch (...) {
    return nullptr;
  }
}
