// Completion of stdlib and project module members after `alias.`, of module
// aliases, and of AppArmor profile names after `apparmor =`.
#include <gtest/gtest.h>

#include "lsp_session.h"

using namespace rig::lsp;
using namespace rig::lsp::testing;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

struct Item {
  std::string label, detail, doc;
};

std::vector<Item> complete(const Marked &m, size_t k = 0) {
  Session s;
  s.request("initialize", Object{});
  const char *uri = "file:///tmp/rig-lsp-completion/app.rig";
  s.open(uri, m.text);
  Value reply = s.request("textDocument/completion",
                          Object{{"textDocument", Object{{"uri", uri}}}, {"position", m.position(k)}});
  std::vector<Item> out;
  for (const Value &v : *reply.getAsObject()->getObject("result")->getArray("items")) {
    const Object *o = v.getAsObject();
    Item it{o->getString("label")->str(), o->getString("detail").getValueOr("").str(), ""};
    if (const Object *doc = o->getObject("documentation")) it.doc = doc->getString("value")->str();
    out.push_back(it);
  }
  return out;
}

const Item *find(const std::vector<Item> &v, const std::string &label) {
  for (const Item &i : v)
    if (i.label == label) return &i;
  return nullptr;
}

} // namespace

TEST(LspCompletionNames, StdlibModuleMembersAfterTheAlias) {
  Marked m = marked(R"(import "std/sidecars" as sc
deployment web {
  sidecar proxy = sc.^
  sidecar logs = sc.flu^
  container app { image = "nginx:1.27" }
}
)");
  for (size_t k : {0, 1}) {
    std::vector<Item> items = complete(m, k);
    const Item *istio = find(items, "istio_proxy");
    ASSERT_TRUE(istio) << k;
    EXPECT_EQ(istio->detail.rfind("template istio_proxy(version: string = \"1.24.0\"", 0), 0u) << istio->detail;
    EXPECT_NE(istio->detail.find(") : sidecar"), std::string::npos);
    EXPECT_NE(istio->doc.find("Envoy"), std::string::npos) << istio->doc;
    EXPECT_TRUE(find(items, "fluent_bit"));
    EXPECT_FALSE(find(items, "image")); // no block keywords here
  }
}

TEST(LspCompletionNames, ModuleAliasesWhereNamesFit) {
  Marked m = marked(R"(import "std/sidecars" as sc
import "std/gpu/nvidia"
^
)");
  std::vector<Item> items = complete(m);
  EXPECT_TRUE(find(items, "sc"));
  EXPECT_TRUE(find(items, "nvidia"));
  EXPECT_TRUE(find(items, "deployment"));
}

TEST(LspCompletionNames, AppArmorProfileNames) {
  Marked m = marked(R"(import "std/apparmor" as aa
apparmor nginx_strict = aa.web_server_strict()
apparmor worker_only { include abstractions.base }
pod web {
  container nginx {
    image = "nginx:1.27"
    apparmor = ^
  }
}
)");
  std::vector<Item> items = complete(m);
  EXPECT_TRUE(find(items, "nginx_strict"));
  EXPECT_TRUE(find(items, "worker_only"));
  EXPECT_TRUE(find(items, "runtime_default"));
  EXPECT_TRUE(find(items, "unconfined"));
  EXPECT_TRUE(find(items, "localhost"));
  EXPECT_FALSE(find(items, "web_server_strict")); // a template, not a profile
  EXPECT_FALSE(find(items, "image"));
}
