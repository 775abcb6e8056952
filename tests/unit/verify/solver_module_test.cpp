// Z3 as a loaded module: where rig looks for it, what a Solver does when it
// cannot be loaded (every query Unknown, the reason naming the library and
// the loader's error, the properties inconclusive), and that limits and
// interrupts still reach Z3 through the module.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "compiler/verify/properties.h"
#include "compiler/verify/solver.h"
#include "compiler/verify/solver_module.h"

using namespace rig;
using namespace rig::verify;

namespace {

SolverModule missingModule() { return loadSolverModule({"/nonexistent/librig_solver_z3.so"}); }

// RIG_SOLVER_MODULE for one scope (the loader reads it on each call of
// solverModuleCandidates(); the process-wide module is loaded only once).
struct ScopedModuleEnv {
  explicit ScopedModuleEnv(const char *value) {
    if (const char *old = std::getenv("RIG_SOLVER_MODULE")) saved = old;
    ::setenv("RIG_SOLVER_MODULE", value, 1);
  }
  ~ScopedModuleEnv() {
    if (saved.empty()) ::unsetenv("RIG_SOLVER_MODULE");
    else ::setenv("RIG_SOLVER_MODULE", saved.c_str(), 1);
  }
  std::string saved;
};

} // namespace

TEST(SolverModule, TheBuildTreeModuleLoads) {
  const SolverModule &m = solverModule();
  ASSERT_NE(m.create, nullptr) << m.error;
  EXPECT_NE(m.path.find("librig_solver_z3.so"), std::string::npos);
  Solver s{VerifyOptions{}};
  EXPECT_EQ(s.unavailableReason(), "");
}

TEST(SolverModule, LooksBesideTheExecutableThenInLibRigThenTheBuildTree) {
  ScopedModuleEnv none("");
  std::vector<std::string> c = solverModuleCandidates();
  ASSERT_GE(c.size(), 2u);
  // This test binary is build/tests/rig_unit_tests: its own directory, then
  // build/lib/rig, then build/ (where the module is).
  EXPECT_NE(c[0].find("/tests/librig_solver_z3.so"), std::string::npos) << c[0];
  EXPECT_NE(c[1].find("/lib/rig/librig_solver_z3.so"), std::string::npos) << c[1];
  EXPECT_EQ(c[1].find(".."), std::string::npos) << c[1];
  EXPECT_EQ(c.back(), solverModule().path);
}

TEST(SolverModule, TheEnvironmentVariableReplacesTheSearch) {
  ScopedModuleEnv forced("/somewhere/else.so");
  EXPECT_EQ(solverModuleCandidates(), std::vector<std::string>{"/somewhere/else.so"});
}

TEST(SolverModule, AMissingFileIsReportedWithTheLoaderError) {
  SolverModule m = missingModule();
  EXPECT_EQ(m.create, nullptr);
  EXPECT_NE(m.error.find("`librig_solver_z3.so`"), std::string::npos) << m.error;
  EXPECT_NE(m.error.find("/nonexistent/librig_solver_z3.so"), std::string::npos) << m.error;
  EXPECT_NE(m.error.find("No such file"), std::string::npos) << m.error;
}

TEST(SolverModule, AnExistingBadFileIsReportedBeforeMissingOnes) {
  std::string bad = ::testing::TempDir() + "rig_not_a_module.so";
  std::ofstream(bad) << "not an ELF file\n";
  SolverModule m = loadSolverModule({"/nonexistent/librig_solver_z3.so", bad});
  std::remove(bad.c_str());
  EXPECT_EQ(m.create, nullptr);
  EXPECT_NE(m.error.find(bad + ":"), std::string::npos) << m.error;
  EXPECT_NE(m.error.find("looked for"), std::string::npos) << m.error;
}

TEST(SolverModule, ALibraryWithoutTheFactoryIsRefused) {
  // libm is a real shared object, loaded already, with no rig factory.
  SolverModule m = loadSolverModule({"libm.so.6"});
  EXPECT_EQ(m.create, nullptr);
  EXPECT_NE(m.error.find(RIG_SOLVER_BACKEND_FACTORY_NAME), std::string::npos) << m.error;
}

TEST(SolverModule, TheFirstCandidateThatLoadsWins) {
  SolverModule m = loadSolverModule({"/nonexistent/librig_solver_z3.so", solverModule().path});
  EXPECT_NE(m.create, nullptr) << m.error;
  EXPECT_EQ(m.path, solverModule().path);
  EXPECT_EQ(m.error, "");
}

TEST(SolverWithoutZ3, EveryQueryIsUnknownWithTheReason) {
  SolverModule m = missingModule();
  Solver s(VerifyOptions{}, m);
  EXPECT_EQ(s.unavailableReason(), m.error);
  // Terms build and scopes nest as with Z3; nothing is answered.
  auto x = s.intVar("x");
  auto b = s.boolVar("b");
  s.push();
  s.add(s.le(s.intConst(3), x));
  s.addTracked(s.lor({b, s.lnot(b)}), "tautology");
  s.add(s.pbLe({b}, {1}, 1));
  s.add(s.inRe(s.stringVar("p"), s.reStar(s.reRange('a', 'z'))));
  EXPECT_EQ(s.check(), SolverResult::Unknown);
  EXPECT_EQ(s.reasonUnknown(), m.error);
  EXPECT_TRUE(s.unsatCore().empty());
  EXPECT_EQ(s.intValue(x), 0);
  s.pop();
  EXPECT_EQ(s.check(), SolverResult::Unknown);
}

TEST(SolverWithoutZ3, InterruptsStillWork) {
  Interrupt interrupt;
  VerifyOptions opts;
  opts.interrupt = &interrupt;
  Solver s(opts, missingModule());
  interrupt.trigger();
  EXPECT_EQ(s.check(), SolverResult::Timeout);
}

TEST(SolverWithoutZ3, FailureRulesAreInconclusiveNamingTheLibrary) {
  // The second rule repeats the first: only the solver can show it is
  // shadowed, so the analysis needs a query and cannot answer it.
  model::Workload w;
  w.kind = model::WorkloadKind::Job;
  w.name = "j";
  model::Container app;
  app.name = app.sourceName = "app";
  w.pod.containers.push_back(app);
  for (model::FailureAction a : {model::FailureAction::FailJob, model::FailureAction::Ignore}) {
    model::FailureRule r;
    r.values = {1};
    r.container = "app";
    r.action = a;
    w.job.mut().failureRules.push_back(r);
  }
  Solver z3{VerifyOptions{}};
  FailureRuleAnalysis withZ3 = analyzeFailureRules(w, z3);
  ASSERT_TRUE(withZ3.conclusive) << withZ3.inconclusiveReason;
  ASSERT_FALSE(withZ3.rules[1].reachable);

  Solver none(VerifyOptions{}, missingModule());
  FailureRuleAnalysis without = analyzeFailureRules(w, none);
  EXPECT_FALSE(without.conclusive);
  EXPECT_NE(without.inconclusiveReason.find("the solver is unavailable"), std::string::npos) << without.inconclusiveReason;
  EXPECT_NE(without.inconclusiveReason.find("librig_solver_z3.so"), std::string::npos) << without.inconclusiveReason;
  EXPECT_NE(without.inconclusiveReason.find("No such file"), std::string::npos) << without.inconclusiveReason;
}

namespace {

// The pigeonhole principle for n+1 pigeons and n holes, as clauses: no
// resolution proof is short, so Z3 searches for a long time.
void addPigeonhole(Solver &s, int holes) {
  std::vector<std::vector<Solver::Term>> in(holes + 1);
  for (int p = 0; p <= holes; ++p) {
    for (int h = 0; h < holes; ++h) in[p].push_back(s.boolVar(fmt::format("p{}h{}", p, h)));
    s.add(s.lor(in[p]));
  }
  for (int h = 0; h < holes; ++h)
    for (int p = 0; p <= holes; ++p)
      for (int q = p + 1; q <= holes; ++q) s.add(s.lor({s.lnot(in[p][h]), s.lnot(in[q][h])}));
}

} // namespace

TEST(SolverThroughTheModule, TheRlimitStopsAQueryDeterministically) {
  VerifyOptions opts;
  opts.rlimit = 20'000;
  Solver s(opts);
  addPigeonhole(s, 9);
  EXPECT_EQ(s.check(), SolverResult::Timeout);
  EXPECT_NE(s.reasonUnknown(), "");
}

TEST(SolverThroughTheModule, TheTimeoutStopsAQuery) {
  VerifyOptions opts;
  opts.timeoutMs = 100;
  opts.rlimit = UINT32_MAX;
  Solver s(opts);
  addPigeonhole(s, 12);
  // Without the timeout this query runs for many minutes: the suite's
  // per-test timeout (tests/CMakeLists.txt) would fail it, or it would end
  // Unsat.
  EXPECT_EQ(s.check(), SolverResult::Timeout);
}

TEST(SolverThroughTheModule, AnInterruptStopsARunningQuery) {
  Interrupt interrupt;
  VerifyOptions opts;
  // Far past the suite's per-test timeout: only the interrupt can end the
  // query with Timeout in time.
  opts.timeoutMs = 3'600'000;
  opts.rlimit = UINT32_MAX;
  opts.interrupt = &interrupt;
  Solver s(opts);
  addPigeonhole(s, 12);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    interrupt.trigger();
  });
  SolverResult r = s.check();
  stopper.join();
  EXPECT_EQ(r, SolverResult::Timeout) << s.reasonUnknown();
}
