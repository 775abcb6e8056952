// Code actions beyond fix-its: each offered edit is applied and the result
// compiled (checker phase) — it must check cleanly; actions whose result
// would not build are not offered.
#include <gtest/gtest.h>

#include "compiler/driver/driver.h"
#include "lsp_session.h"

using namespace rig::lsp;
using namespace rig::lsp::testing;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

const char *kUri = "file:///tmp/rig-lsp-actions/app.rig";

struct Action {
  std::string title, kind, result;
  bool fixesDiagnostic = false;
};

// The actions at the cursor, each with its edit applied to `text`.
std::vector<Action> actionsAt(const Marked &m) {
  Session s;
  s.request("initialize", Object{});
  s.open(kUri, m.text);
  Object range{{"start", m.position(0)}, {"end", m.position(m.cursors.size() > 1 ? 1 : 0)}};
  Value reply = s.request("textDocument/codeAction", Object{{"textDocument", Object{{"uri", kUri}}},
                                                            {"range", std::move(range)},
                                                            {"context", Object{{"diagnostics", Array{}}}}});
  std::vector<Action> out;
  for (const Value &v : *reply.getAsObject()->getArray("result")) {
    const Object *a = v.getAsObject();
    Action act{a->getString("title")->str(), a->getString("kind")->str(), "", a->getArray("diagnostics") != nullptr};
    act.result = applyEdits(m.text, *a->getObject("edit")->getObject("changes")->getArray(kUri));
    out.push_back(std::move(act));
  }
  return out;
}

const Action *titled(const std::vector<Action> &v, llvm::StringRef prefix) {
  for (const Action &a : v)
    if (llvm::StringRef(a.title).startswith(prefix)) return &a;
  return nullptr;
}

// `rig check` on the edited text: no errors, and what they were if any.
std::string checkErrors(const std::string &text) {
  rig::CompileOptions opts;
  opts.stopAfter = rig::Phase::Check;
  auto c = rig::compile({rig::SourceInput{"/tmp/rig-lsp-actions/app.rig", text}}, opts);
  std::string out;
  for (const rig::Diagnostic &d : c->diags.all())
    if (d.severity == rig::Severity::Error) out += std::string(d.code()) + " " + d.message + "\n";
  return out;
}

} // namespace

TEST(LspCodeActions, ReadinessProbeOnTheSidecarsFirstTcpPort) {
  Marked m = marked(R"(deployment web {
  sidecar pro^xy {
    image = "envoy:1.30"
    port metrics = 9901 { protocol = UDP }
    port admin = 15000
  }
  container app { image = "nginx:1.27" }
}
)");
  std::vector<Action> actions = actionsAt(m);
  const Action *a = titled(actions, "add a readiness probe to sidecar `proxy`");
  ASSERT_TRUE(a);
  EXPECT_NE(a->result.find("    port admin = 15000\n    readiness {\n      tcp_socket port admin\n    }\n  }\n"),
            std::string::npos)
      << a->result;
  EXPECT_EQ(checkErrors(a->result), "");
  // Nothing converts a sidecar or the only main container.
  EXPECT_FALSE(titled(actions, "convert"));
}

TEST(LspCodeActions, ReadinessPlaceholderWithoutPortsAndNoneWhenATemplateHasOne) {
  Marked m = marked(R"(import "std/sidecars" as sc
job batch {
  restart_policy = Never
  sidecar ship^per { image = "fluent-bit:3" }
  sidecar mesh = sc.istio_proxy()
  container main { image = "busybox:1" }
}
)");
  std::vector<Action> actions = actionsAt(m); // `a` points into it
  const Action *a = titled(actions, "add a readiness probe");
  ASSERT_TRUE(a);
  EXPECT_NE(a->result.find("readiness {\n      // no TCP port"), std::string::npos) << a->result;
  EXPECT_NE(a->result.find("exec = [\"/bin/sh\", \"-c\", \"exit 1\"]"), std::string::npos) << a->result;
  EXPECT_EQ(checkErrors(a->result), "");
  // The stdlib's istio_proxy template already has a readiness probe.
  Marked onMesh = marked(std::string(m.text).insert(m.text.find("mesh") + 1, "^"));
  EXPECT_FALSE(titled(actionsAt(onMesh), "add a readiness probe"));
}

TEST(LspCodeActions, ReadinessForATemplatedSidecarWithoutOneUsesItsPort) {
  Marked m = marked(R"(template relay() : sidecar {
  image = "relay:1"
  port = 7000
}
deployment web {
  sidecar re^lay = relay()
  container app { image = "nginx:1.27" }
}
)");
  std::vector<Action> actions = actionsAt(m);
  const Action *a = titled(actions, "add a readiness probe to sidecar `relay`");
  ASSERT_TRUE(a);
  EXPECT_NE(a->result.find("sidecar relay = relay() {\n    readiness {\n      tcp_socket port 7000\n    }\n  }"),
            std::string::npos)
      << a->result;
  EXPECT_EQ(checkErrors(a->result), "");
}

TEST(LspCodeActions, InitContainerWithAProbeConvertsToANativeSidecar) {
  Marked m = marked(R"(deployment web {
  init pro^xy {
    image = "envoy:1.30"
    readiness { tcp_socket port 15000 }
  }
  container app { image = "nginx:1.27" }
}
)");
  ASSERT_NE(checkErrors(m.text), ""); // E0309: probes on an init container
  std::vector<Action> actions = actionsAt(m);
  const Action *a = titled(actions, "convert `proxy` to a native sidecar");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, "quickfix");
  EXPECT_TRUE(a->fixesDiagnostic);
  EXPECT_NE(a->result.find("  sidecar proxy {"), std::string::npos);
  EXPECT_EQ(checkErrors(a->result), "");
}

TEST(LspCodeActions, SecondMainContainerConvertsOnlyWhereNativeSidecarsExist) {
  const char *body = R"(job batch {
  restart_policy = Never
  container train { image = "trainer:1" }
  container log^ger { image = "fluent-bit:3" }
}
)";
  const Action *a = nullptr;
  std::vector<Action> actions = actionsAt(marked(body));
  a = titled(actions, "convert `logger` to a native sidecar");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, "refactor.rewrite");
  EXPECT_NE(a->result.find("  sidecar logger {"), std::string::npos);
  EXPECT_EQ(checkErrors(a->result), "");
  // Kubernetes 1.28 has no native sidecars: the rewrite would not build.
  std::vector<Action> old = actionsAt(marked(std::string("target kubernetes \"1.28\"\n") + body));
  EXPECT_FALSE(titled(old, "convert"));
}

TEST(LspCodeActions, AnInitContainerThatOnlyRunsStaysOne) {
  Marked m = marked(R"(deployment web {
  init mig^rate { image = "migrate:1", command = ["migrate", "up"] }
  container app { image = "nginx:1.27" }
}
)");
  std::vector<Action> actions = actionsAt(m);
  EXPECT_FALSE(titled(actions, "convert"));
}
