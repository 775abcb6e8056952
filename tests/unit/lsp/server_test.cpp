// A scripted session driving the server in-process: initialize, open a
// document with non-ASCII text before the cursor (UTF-16 positions),
// diagnostics, hover, completion, formatting, code actions, outline,
// definition, debounced edits, and the protocol's error cases.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "compiler/driver/driver.h"
#include "tests/support/read_file.h"
#include "lsp/server.h"

using namespace rig::lsp;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

// The document; `ü😀` sits before `working_dir` on its line, so its UTF-16
// column (2 code units for the emoji) differs from the byte column.
const char *kDoc = R"(// grüße 😀
deployment web_app {
  replicas = 2
  volume cache = empty_dir()
  sidecar proxy {
    image = "envoy:1.30"
  }
  sidecar metrics after proxy {
    image = "prom:2"
  }
  container web { image = "nginx:1.25-ü😀", working_dir = "/srv" }
  container worker {
    imagee = "busybox"
    mount cache at "/cache"

  }
}
)";

const char *kUri = "file:///tmp/rig-lsp-test/app.rig";

// 0-based line and UTF-16 column of the first `needle` in `text`.
Object positionOf(llvm::StringRef text, llvm::StringRef needle, size_t extra = 0) {
  size_t at = text.find(needle);
  EXPECT_LT(at, text.size()) << needle.str();
  at += extra;
  uint32_t line = 0, col = 0;
  for (size_t i = 0; i < at; ++i) {
    unsigned char c = text[i];
    if (c == '\n') {
      ++line;
      col = 0;
    } else if ((c & 0xC0) != 0x80) {
      col += (c >= 0xF0) ? 2 : 1; // 4-byte UTF-8 = a surrogate pair
    }
  }
  return Object{{"line", line}, {"character", col}};
}

class Session {
public:
  Session() : server_([this](const Value &v) { sent.push_back(v); }, [this](llvm::StringRef m) { logs.push_back(m.str()); }) {}

  // Sends a request and returns the reply with its id.
  Value request(llvm::StringRef method, Object params) {
    int64_t id = ++nextId_;
    server_.handle(Object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method.str()}, {"params", std::move(params)}});
    for (const Value &v : sent)
      if (const Object *o = v.getAsObject(); o && o->getInteger("id") == id) return v;
    ADD_FAILURE() << "no reply to " << method.str();
    return nullptr;
  }
  void notify(llvm::StringRef method, Object params) {
    server_.handle(Object{{"jsonrpc", "2.0"}, {"method", method.str()}, {"params", std::move(params)}});
  }
  // The publishDiagnostics notifications sent so far for `uri`.
  std::vector<const Object *> diagnostics(llvm::StringRef uri) {
    std::vector<const Object *> out;
    for (const Value &v : sent) {
      const Object *o = v.getAsObject();
      if (o && o->getString("method").getValueOr("") == "textDocument/publishDiagnostics" &&
          o->getObject("params")->getString("uri").getValueOr("") == uri)
        out.push_back(o->getObject("params"));
    }
    return out;
  }
  Server &server() { return server_; }
  std::vector<Value> sent;
  std::vector<std::string> logs;

private:
  Server server_;
  int64_t nextId_ = 0;
};

Object textDoc(llvm::StringRef uri = kUri) { return Object{{"uri", uri.str()}}; }
Object at(llvm::StringRef text, llvm::StringRef needle, size_t extra = 0) {
  return Object{{"textDocument", textDoc()}, {"position", positionOf(text, needle, extra)}};
}
int64_t errorCode(const Value &reply) {
  const Object *e = reply.getAsObject()->getObject("error");
  return e ? *e->getInteger("code") : 0;
}
std::string hoverText(const Value &reply) {
  const Object *r = reply.getAsObject()->getObject("result");
  return r ? r->getObject("contents")->getString("value")->str() : "";
}
std::vector<std::string> labels(const Value &reply) {
  std::vector<std::string> out;
  for (const Value &i : *reply.getAsObject()->getObject("result")->getArray("items"))
    out.push_back(i.getAsObject()->getString("label")->str());
  return out;
}
bool has(const std::vector<std::string> &v, const std::string &s) { return std::find(v.begin(), v.end(), s) != v.end(); }

} // namespace

TEST(LspServer, ScriptedSession) {
  Session s;
  llvm::StringRef text(kDoc);

  // Before initialize: requests are refused with ServerNotInitialized.
  EXPECT_EQ(errorCode(s.request("textDocument/hover", at(text, "replicas"))), -32002);

  Value init = s.request("initialize", Object{{"capabilities", Object{}}});
  const Object *caps = init.getAsObject()->getObject("result")->getObject("capabilities");
  ASSERT_TRUE(caps);
  EXPECT_EQ(caps->getObject("textDocumentSync")->getInteger("change").getValueOr(-1), 2);
  s.notify("initialized", Object{});
  EXPECT_EQ(errorCode(s.request("workspace/nothingLikeThis", Object{})), -32601);

  s.notify("textDocument/didOpen",
           Object{{"textDocument", Object{{"uri", kUri}, {"languageId", "rig"}, {"version", 1}, {"text", kDoc}}}});
  s.server().flushDiagnostics();
  auto published = s.diagnostics(kUri);
  ASSERT_EQ(published.size(), 1u);
  const Array *diags = published[0]->getArray("diagnostics");
  ASSERT_TRUE(diags);
  const Object *typo = nullptr;
  for (const Value &d : *diags)
    if (d.getAsObject()->getString("message")->contains("imagee")) typo = d.getAsObject();
  ASSERT_TRUE(typo) << "no diagnostic about `imagee`";
  EXPECT_EQ(typo->getInteger("severity").getValueOr(-1), 1);
  EXPECT_FALSE(typo->getString("code")->empty());
  EXPECT_EQ(*typo->getObject("range")->getObject("start")->getInteger("line"), 12);
  EXPECT_EQ(*typo->getObject("range")->getObject("start")->getInteger("character"), 4);

  // Hover on a field after non-ASCII text on the same line.
  std::string h = hoverText(s.request("textDocument/hover", at(text, "working_dir", 3)));
  EXPECT_NE(h.find("workingDir"), std::string::npos) << h;
  // Keep the reply alive: `hr` points into it.
  Value hoverReply = s.request("textDocument/hover", at(text, "working_dir", 3));
  const Object *hr = hoverReply.getAsObject()->getObject("result");
  EXPECT_EQ(*hr->getObject("range")->getObject("start")->getInteger("character"),
            *positionOf(text, "working_dir").getInteger("character"));
  // A keyword: what it is and the Kubernetes field it becomes.
  EXPECT_NE(hoverText(s.request("textDocument/hover", at(text, "sidecar proxy", 2))).find("initContainers"),
            std::string::npos);
  EXPECT_NE(hoverText(s.request("textDocument/hover", at(text, "replicas"))).find("spec.replicas"), std::string::npos);
  // A sidecar's start position.
  std::string sc = hoverText(s.request("textDocument/hover", at(text, "sidecar metrics", 9)));
  EXPECT_NE(sc.find("starts 2 of 2"), std::string::npos) << sc;
  EXPECT_NE(sc.find("after `proxy`"), std::string::npos) << sc;
  // Out-of-range positions are clamped, not fatal.
  Value far = s.request("textDocument/hover",
                        Object{{"textDocument", textDoc()}, {"position", Object{{"line", 9999}, {"character", 9999}}}});
  EXPECT_EQ(errorCode(far), 0);

  // Completion inside the container block (the empty line) and at file level.
  auto inContainer = labels(s.request("textDocument/completion", at(text, "\"/cache\"\n", 9)));
  EXPECT_TRUE(has(inContainer, "image"));
  EXPECT_TRUE(has(inContainer, "liveness"));
  EXPECT_FALSE(has(inContainer, "replicas"));
  auto inWorkload = labels(s.request("textDocument/completion", at(text, "  replicas", 0)));
  EXPECT_TRUE(has(inWorkload, "replicas"));
  EXPECT_TRUE(has(inWorkload, "sidecar"));
  auto atTop = labels(s.request(
      "textDocument/completion",
      Object{{"textDocument", textDoc()}, {"position", Object{{"line", 18}, {"character", 0}}}}));
  EXPECT_TRUE(has(atTop, "deployment"));
  EXPECT_FALSE(has(atTop, "image"));

  // Names where only names fit: containers after `after`, volumes after `mount`.
  auto afterNames = labels(s.request("textDocument/completion", at(text, "after proxy", 6)));
  EXPECT_TRUE(has(afterNames, "proxy"));
  EXPECT_TRUE(has(afterNames, "web"));
  EXPECT_FALSE(has(afterNames, "image"));
  auto mountNames = labels(s.request("textDocument/completion", at(text, "mount cache", 6)));
  EXPECT_EQ(mountNames, std::vector<std::string>{"cache"});

  // Quick fix from the did-you-mean.
  Value actions = s.request("textDocument/codeAction",
                            Object{{"textDocument", textDoc()},
                                   {"range", Object{{"start", positionOf(text, "imagee")}, {"end", positionOf(text, "imagee", 6)}}},
                                   {"context", Object{{"diagnostics", Array{}}}}});
  const Array *acts = actions.getAsObject()->getArray("result");
  ASSERT_TRUE(acts);
  bool fixesImage = false;
  for (const Value &a : *acts) {
    const Object *changes = a.getAsObject()->getObject("edit")->getObject("changes");
    for (const Value &e : *changes->getArray(kUri))
      if (e.getAsObject()->getString("newText").getValueOr("") == "image") fixesImage = true;
  }
  EXPECT_TRUE(fixesImage);

  // Outline: the workload with its containers nested.
  Value symbols = s.request("textDocument/documentSymbol", Object{{"textDocument", textDoc()}});
  const Array *top = symbols.getAsObject()->getArray("result");
  ASSERT_TRUE(top && !top->empty());
  const Object *wl = (*top)[0].getAsObject();
  EXPECT_EQ(wl->getString("name").getValueOr(""), "web_app");
  bool hasWeb = false;
  for (const Value &c : *wl->getArray("children")) hasWeb |= c.getAsObject()->getString("name").getValueOr("") == "web";
  EXPECT_TRUE(hasWeb);

  // Definition: `after proxy` and `mount cache` lead to their declarations.
  Value def = s.request("textDocument/definition", at(text, "after proxy", 7));
  EXPECT_EQ(*def.getAsObject()->getObject("result")->getObject("range")->getObject("start")->getInteger("line"), 4);
  def = s.request("textDocument/definition", at(text, "mount cache", 7));
  EXPECT_EQ(*def.getAsObject()->getObject("result")->getObject("range")->getObject("start")->getInteger("line"), 3);

  // Formatting returns the canonical layout as one edit.
  Value fmt = s.request("textDocument/formatting", Object{{"textDocument", textDoc()}, {"options", Object{}}});
  const Array *edits = fmt.getAsObject()->getArray("result");
  ASSERT_TRUE(edits);
  std::unique_ptr<rig::Formatted> expected = rig::formatSource({"/tmp/rig-lsp-test/app.rig", kDoc});
  ASSERT_TRUE(expected->ok());
  if (expected->text != kDoc) {
    ASSERT_EQ(edits->size(), 1u);
    EXPECT_EQ((*edits)[0].getAsObject()->getString("newText").getValueOr("").str(), expected->text);
  }

  // A burst of incremental edits compiles once, at the latest version: fix
  // the typo by deleting one `e`, then type and delete a character.
  unsigned before = s.server().compileCount();
  auto typoPos = [&] { return positionOf(text, "imagee", 5); };
  auto typoEnd = [&] { return positionOf(text, "imagee", 6); };
  auto edit = [&](int version, Object start, Object end, const char *newText) {
    Object range{{"start", std::move(start)}, {"end", std::move(end)}};
    Object change{{"range", std::move(range)}, {"text", newText}};
    s.notify("textDocument/didChange", Object{{"textDocument", Object{{"uri", kUri}, {"version", version}}},
                                              {"contentChanges", Array{std::move(change)}}});
  };
  edit(2, typoPos(), typoEnd(), "");
  edit(3, typoPos(), typoPos(), "x");
  edit(4, typoPos(), typoEnd(), "");
  s.server().flushDiagnostics();
  EXPECT_EQ(s.server().compileCount(), before + 1);
  published = s.diagnostics(kUri);
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1]->getInteger("version").getValueOr(-1), 4);
  for (const Value &d : *published[1]->getArray("diagnostics"))
    EXPECT_FALSE(d.getAsObject()->getString("message")->contains("imagee"));

  // An edit to a document that is not open is logged and ignored.
  size_t logsBefore = s.logs.size();
  s.notify("textDocument/didChange",
           Object{{"textDocument", Object{{"uri", "file:///nowhere.rig"}, {"version", 1}}},
                  {"contentChanges", Array{Object{{"text", "pod x {}"}}}}});
  s.server().flushDiagnostics();
  EXPECT_GT(s.logs.size(), logsBefore);
  EXPECT_TRUE(s.diagnostics("file:///nowhere.rig").empty());

  EXPECT_EQ(errorCode(s.request("shutdown", Object{})), 0);
  EXPECT_EQ(errorCode(s.request("textDocument/hover", at(text, "replicas"))), -32600);
  s.notify("exit", Object{});
  EXPECT_TRUE(s.server().exited());
  EXPECT_EQ(s.server().exitCode(), 0);
}

TEST(LspServer, HoverShowsQosClassOfAWorkload) {
  Session s;
  s.request("initialize", Object{});
  const char *doc = R"(pod db {
  container postgres {
    image = "postgres:16"
    requests { memory = 8Gi, cpu = 4 }
    limits { memory = 8Gi, cpu = 4 }
  }
}
)";
  s.notify("textDocument/didOpen", Object{{"textDocument", Object{{"uri", kUri}, {"version", 1}, {"text", doc}}}});
  std::string h = hoverText(s.request("textDocument/hover", at(doc, "db")));
  EXPECT_NE(h.find("Guaranteed"), std::string::npos) << h;
}

TEST(LspServer, MalformedMessagesGetErrors) {
  Session s;
  s.server().handle(Value(42));
  ASSERT_EQ(s.sent.size(), 1u);
  EXPECT_EQ(errorCode(s.sent[0]), -32600);
  s.server().handle(Object{{"jsonrpc", "2.0"}, {"id", Array{}}, {"method", "initialize"}});
  EXPECT_EQ(errorCode(s.sent.back()), -32600);
  // Notifications before initialize are dropped with a log line.
  s.notify("textDocument/didOpen", Object{});
  EXPECT_FALSE(s.logs.empty());
  s.request("initialize", Object{});
  // Requests with broken params answer an error instead of crashing.
  EXPECT_EQ(errorCode(s.request("textDocument/hover", Object{})), -32602);
  EXPECT_EQ(errorCode(s.request("textDocument/hover", Object{{"textDocument", textDoc("file:///not-open.rig")}})), -32602);
  s.notify("exit", Object{});
  EXPECT_EQ(s.server().exitCode(), 1); // exit without shutdown
}

TEST(LspServer, TemplatesLetsAndClampedEdits) {
  Session s;
  s.request("initialize", Object{});
  std::string doc = rig::test::readFile(std::string(RIG_SOURCE_DIR) + "/examples/templated-services/services.rig");
  ASSERT_FALSE(doc.empty());
  std::string uri = "file://" + std::string(RIG_SOURCE_DIR) + "/examples/templated-services/services.rig";
  s.notify("textDocument/didOpen", Object{{"textDocument", Object{{"uri", uri}, {"version", 1}, {"text", doc}}}});
  auto where = [&](llvm::StringRef needle, size_t extra) {
    return Object{{"textDocument", Object{{"uri", uri}}}, {"position", positionOf(doc, needle, extra)}};
  };
  // A let used inside a template body leads to its declaration.
  Value def = s.request("textDocument/definition", where("tiers[tier]", 1));
  const Object *r = def.getAsObject()->getObject("result");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->getObject("range")->getObject("start")->getInteger("line").getValueOr(-1),
            positionOf(doc, "let tiers").getInteger("line").getValueOr(-2));
  // Inside a `: deployment` template the workload's fields are known.
  EXPECT_NE(hoverText(s.request("textDocument/hover", where("  replicas = tiers", 3))).find("spec.replicas"),
            std::string::npos);
  auto names = labels(s.request("textDocument/completion", where("  replicas = tiers", 0)));
  EXPECT_TRUE(has(names, "sidecar"));
  EXPECT_TRUE(has(names, "tiers")); // a let in scope

  // An edit far past the end is clamped to the end of the document.
  Object far{{"line", 99999}, {"character", 5}};
  Object far2{{"line", 99999}, {"character", 5}};
  s.notify("textDocument/didChange",
           Object{{"textDocument", Object{{"uri", uri}, {"version", 2}}},
                  {"contentChanges", Array{Object{{"range", Object{{"start", std::move(far)}, {"end", std::move(far2)}}},
                                                  {"text", "\n// appended\n"}}}}});
  s.server().flushDiagnostics();
  Value fmt = s.request("textDocument/formatting", Object{{"textDocument", Object{{"uri", uri}}}});
  EXPECT_EQ(errorCode(fmt), 0);
  auto published = s.diagnostics(uri);
  ASSERT_FALSE(published.empty());
  EXPECT_EQ(published.back()->getInteger("version").getValueOr(-1), 2);
}

TEST(LspServer, FailureRuleCompletesContainerNames) {
  Session s;
  s.request("initialize", Object{});
  // The rule being typed is incomplete: completion works on the tree the
  // parser recovered.
  const char *doc = R"(job batch {
  restart_policy = Never
  container trainer {
    image = "trainer:1"
  }
  on exit 137 in 
}
)";
  s.notify("textDocument/didOpen", Object{{"textDocument", Object{{"uri", kUri}, {"version", 1}, {"text", doc}}}});
  auto names = labels(s.request("textDocument/completion", at(doc, "137 in ", 7)));
  EXPECT_EQ(names, std::vector<std::string>{"trainer"});
}

namespace {

const char *kClean = R"(// one
// two
pod web {
  sidecar proxy {
    image = "envoy:1.30"
  }
  sidecar metrics after proxy { image = "prom:2" }
  container app {
    image = "nginx:1.25"
    requests { cpu = 100m, memory = 64Mi }
  }
}
)";

TEST(LspServer, FoldingInlayHintsAndWorkspaceSymbols) {
  Session s;
  s.request("initialize", Object{{"capabilities", Object{}}});
  const char *uri = "file:///tmp/rig-lsp-test/clean.rig";
  s.notify("textDocument/didOpen",
           Object{{"textDocument", Object{{"uri", uri}, {"languageId", "rig"}, {"version", 1}, {"text", kClean}}}});

  // Folds: the pod (lines 2..10), the proxy sidecar (3..4), the app
  // container (7..9), and the two comment lines (0..1).
  Value folds = s.request("textDocument/foldingRange", Object{{"textDocument", Object{{"uri", uri}}}});
  std::vector<std::pair<int64_t, int64_t>> got;
  for (const Value &f : *folds.getAsObject()->getArray("result"))
    got.emplace_back(*f.getAsObject()->getInteger("startLine"), *f.getAsObject()->getInteger("endLine"));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<int64_t, int64_t>>{{0, 1}, {2, 10}, {3, 4}, {7, 9}}));

  // Inlay hints: the pod's QoS class after its name, start positions after
  // the sidecars' names.
  Object start{{"line", 0}, {"character", 0}}, end{{"line", 20}, {"character", 0}};
  Object range{{"start", std::move(start)}, {"end", std::move(end)}};
  Value hints = s.request("textDocument/inlayHint", Object{{"textDocument", Object{{"uri", uri}}}, {"range", std::move(range)}});
  std::vector<std::string> labelsSeen;
  for (const Value &h : *hints.getAsObject()->getArray("result")) labelsSeen.push_back(h.getAsObject()->getString("label")->str());
  EXPECT_TRUE(has(labelsSeen, "QoS Burstable")) << labelsSeen.size();
  EXPECT_TRUE(has(labelsSeen, "starts 1 of 3"));
  EXPECT_TRUE(has(labelsSeen, "starts 2 of 3"));

  // Workspace symbols across open documents, filtered by the query.
  Value syms = s.request("workspace/symbol", Object{{"query", "PROX"}});
  const Array *list = syms.getAsObject()->getArray("result");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(*(*list)[0].getAsObject()->getString("name"), "proxy");
  EXPECT_EQ(*(*list)[0].getAsObject()->getObject("location")->getString("uri"), uri);
}

} // namespace
