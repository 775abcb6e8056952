// The solver off the message thread: the verify worker publishes the
// solver's findings after the checker's, drops findings for versions an
// edit made stale, and an Interrupt stops solver queries from another
// thread. Plus a 10 MB document through the server.
#include <gtest/gtest.h>

#include "compiler/verify/solver.h"
#include "lsp/server.h"
#include "lsp/verify_worker.h"

using namespace rig;
using namespace rig::lsp;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

const char *kUri = "file:///tmp/rig-verify-worker/rules.rig";
// Rule 2 is shadowed by rule 1: a solver finding (W0503).
const char *kShadowed = "job batch {\n  container app { image = \"x:1\" }\n  on exit not in 0 in app => count\n"
                        "  on exit 137 in app => fail_job\n}\n";

struct Harness {
  std::vector<Value> sent;
  std::vector<std::string> logs;
  Server server{[this](const Value &v) { sent.push_back(v); }, [this](llvm::StringRef m) { logs.push_back(m.str()); }};
  Harness() {
    server.handle(Object{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", Object{}}});
  }
  void notify(const char *method, Object params) {
    server.handle(Object{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  void open(const std::string &text, const char *uri = kUri) {
    notify("textDocument/didOpen", Object{{"textDocument", Object{{"uri", uri}, {"version", 1}, {"text", text}}}});
  }
  void replace(int version, const std::string &text) {
    notify("textDocument/didChange", Object{{"textDocument", Object{{"uri", kUri}, {"version", version}}},
                                            {"contentChanges", Array{Object{{"text", text}}}}});
  }
  // (version, codes) of every publishDiagnostics so far.
  std::vector<std::pair<int64_t, std::string>> published() const {
    std::vector<std::pair<int64_t, std::string>> out;
    for (const Value &v : sent) {
      const Object *o = v.getAsObject();
      if (o->getString("method").getValueOr("") != "textDocument/publishDiagnostics") continue;
      const Object *p = o->getObject("params");
      std::string codes;
      for (const Value &d : *p->getArray("diagnostics")) codes += d.getAsObject()->getString("code")->str() + " ";
      out.emplace_back(p->getInteger("version").getValueOr(-1), codes);
    }
    return out;
  }
};

} // namespace

TEST(LspVerifyWorker, SolverFindingsArePublishedAfterTheCheckersForTheSameVersion) {
  Harness h;
  h.open(kShadowed);
  h.server.flushDiagnostics();
  // The checker's diagnostics are out before the solver has run.
  ASSERT_EQ(h.published().size(), 1u);
  EXPECT_EQ(h.published()[0], std::make_pair(int64_t{1}, std::string()));
  h.server.waitForSolver();
  h.server.publishSolverFindings();
  ASSERT_EQ(h.published().size(), 2u);
  EXPECT_EQ(h.published()[1], std::make_pair(int64_t{1}, std::string("W0503 ")));
}

TEST(LspVerifyWorker, AnEditMakesTheRunningVerifyStale) {
  Harness h;
  h.open(kShadowed);
  h.server.flushDiagnostics(); // version 1 goes to the worker
  h.replace(2, "job batch {\n  container app { image = \"x:1\" }\n  on exit not in 0, 137 in app => count\n"
               "  on exit 137 in app => fail_job\n}\n");
  h.server.waitForSolver();
  h.server.publishSolverFindings();
  // Whether version 1's run was dropped from the queue, interrupted or
  // finished, nothing is published for it now.
  for (const auto &[version, codes] : h.published()) EXPECT_EQ(version, 1) << codes;
  ASSERT_EQ(h.published().size(), 1u);
  h.server.flushDiagnostics();
  h.server.waitForSolver();
  h.server.publishSolverFindings();
  // Version 2 has no shadowed rule: the checker's publication is the only one.
  ASSERT_EQ(h.published().size(), 2u);
  EXPECT_EQ(h.published()[1], std::make_pair(int64_t{2}, std::string()));
}

TEST(LspVerifyWorker, ClosingWhileVerifyingAndDestroyingDoNotHang) {
  for (int i = 0; i < 20; ++i) {
    Harness h;
    h.open(kShadowed);
    h.server.flushDiagnostics();
    if (i % 2) h.notify("textDocument/didClose", Object{{"textDocument", Object{{"uri", kUri}}}});
    // The destructor interrupts and joins whatever is running.
  }
}

TEST(LspVerifyWorker, WorkerReportsAndForgetsCancelledJobs) {
  CompileOptions opts;
  opts.stopAfter = Phase::Check;
  std::shared_ptr<const Compilation> c = compile({{"rules.rig", kShadowed}}, opts);
  ASSERT_TRUE(c->ok());
  int ready = 0;
  {
    VerifyWorker w([&] { ++ready; });
    w.submit({"a", 1, c, CompileOptions{}});
    w.waitIdle();
    std::vector<VerifyWorker::Result> r = w.take();
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].version, 1);
    ASSERT_EQ(r[0].diags.size(), 1u);
    EXPECT_EQ(r[0].diags[0].code(), "W0503");
    EXPECT_EQ(r[0].compilation.lock(), c);
    EXPECT_TRUE(w.take().empty());
    // A newer job for the same document replaces the queued or running one:
    // at most one result, and only for the newest version.
    w.submit({"a", 2, c, CompileOptions{}});
    w.submit({"a", 3, c, CompileOptions{}});
    w.waitIdle();
    for (const VerifyWorker::Result &x : w.take()) EXPECT_EQ(x.version, 3);
  }
  EXPECT_GE(ready, 1);
}

TEST(LspVerifyWorker, AnInterruptStopsSolverQueries) {
  verify::Interrupt interrupt;
  verify::VerifyOptions opts;
  opts.interrupt = &interrupt;
  verify::Solver s(opts);
  verify::Solver::Term x = s.intVar("x");
  s.add(s.le(s.intConst(3), x));
  EXPECT_EQ(s.check(), verify::SolverResult::Sat);
  interrupt.trigger();
  EXPECT_TRUE(interrupt.triggered());
  EXPECT_EQ(s.check(), verify::SolverResult::Timeout);
  // A solver created after the trigger is stopped too.
  verify::Solver later(opts);
  later.add(later.le(later.intConst(1), later.intVar("y")));
  EXPECT_EQ(later.check(), verify::SolverResult::Timeout);
}

TEST(LspVerifyWorker, TenMegabyteDocument) {
  Harness h;
  // 10 MB: a workload, then 200,000 lines of 50 bytes, comments and lets.
  // (Over about 1,000 comment lines in a row the parser reports E0010
  // nesting too deep, a parser limit outside the server.)
  std::string text = "pod web {\n  container c { image = \"nginx:1.25\" }\n}\n";
  std::string line = "// " + std::string(46, 'x') + "\n";
  text.reserve(text.size() + 200000 * line.size() + 100);
  for (int i = 0; i < 200000; ++i) text += i % 400 == 399 ? "let v" + std::to_string(i) + " = 1\n" : line;
  h.open(text);
  h.server.flushDiagnostics();
  ASSERT_EQ(h.published().size(), 1u);
  EXPECT_EQ(h.published()[0].second, "");
  // Hover at the far end and past it, an edit in the middle: answers, no crash.
  for (int64_t l : {int64_t{200002}, int64_t{10'000'000}}) {
    h.server.handle(Object{{"jsonrpc", "2.0"}, {"id", l}, {"method", "textDocument/hover"},
                           {"params", Object{{"textDocument", Object{{"uri", kUri}}},
                                             {"position", Object{{"line", l}, {"character", 3}}}}}});
    EXPECT_EQ(h.sent.back().getAsObject()->getInteger("id"), l);
    EXPECT_FALSE(h.sent.back().getAsObject()->get("error"));
  }
  h.notify("textDocument/didChange",
           Object{{"textDocument", Object{{"uri", kUri}, {"version", 2}}},
                  {"contentChanges", Array{Object{{"range", Object{{"start", Object{{"line", 100000}, {"character", 0}}},
                                                                    {"end", Object{{"line", 100000}, {"character", 0}}}}},
                                                  {"text", "pod stray { container c { imagee = \"x:1\" } }\n"}}}}});
  h.server.flushDiagnostics();
  ASSERT_EQ(h.published().size(), 2u);
  EXPECT_EQ(h.published()[1].first, 2);
  EXPECT_NE(h.published()[1].second, ""); // a typo in a field name
}
