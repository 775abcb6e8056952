// The solver wrapper's closed result set: sat with a model, unsat with a
// core of tracked labels.
#include "compiler/verify/solver.h"

#include <gtest/gtest.h>

using namespace rig::verify;

TEST(Solver, SatGivesAModel) {
  Solver s{VerifyOptions{}};
  auto x = s.intVar("x");
  s.add(s.le(s.intConst(3), x));
  s.add(s.le(x, s.intConst(3)));
  ASSERT_EQ(s.check(), SolverResult::Sat);
  EXPECT_EQ(s.intValue(x), 3);
}

TEST(Solver, UnsatGivesTheTrackedCore) {
  Solver s{VerifyOptions{}};
  auto x = s.intVar("x");
  s.addTracked(s.le(s.intConst(5), x), "needs at least 5");
  s.addTracked(s.le(x, s.intConst(4)), "has at most 4");
  s.addTracked(s.le(s.intConst(0), x), "irrelevant");
  ASSERT_EQ(s.check(), SolverResult::Unsat);
  auto core = s.unsatCore();
  std::sort(core.begin(), core.end());
  ASSERT_EQ(core.size(), 2u);
  EXPECT_EQ(core[0], "has at most 4");
  EXPECT_EQ(core[1], "needs at least 5");
}

TEST(Solver, PushPopScopesAssertions) {
  Solver s{VerifyOptions{}};
  auto b = s.boolVar("b");
  s.push();
  s.add(b);
  s.add(s.lnot(b));
  EXPECT_EQ(s.check(), SolverResult::Unsat);
  s.pop();
  EXPECT_EQ(s.check(), SolverResult::Sat);
}
