// Go to definition (across imports and into the stdlib), find references
// and rename, in-process sessions on sources with `^` cursor markers.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "compiler/driver/driver.h"
#include "tests/support/read_file.h"
#include "lsp/protocol.h"
#include "lsp_session.h"
#include "stdlib/embedded.h"

using namespace rig::lsp;
using namespace rig::lsp::testing;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;
namespace fs = std::filesystem;

namespace {

// A project directory of its own, with the stdlib cache inside it.
class Navigation : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rig-lsp-nav-XXXXXX";
    dir = mkdtemp(tmpl);
    setenv("XDG_CACHE_HOME", (dir + "/cache").c_str(), 1);
    s.request("initialize", Object{});
  }
  void TearDown() override {
    std::error_code ec;
    // The cache is read-only: make it writable so it can be removed.
    for (auto &e : fs::recursive_directory_iterator(dir, ec)) fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir, ec);
    unsetenv("XDG_CACHE_HOME");
  }
  std::string write(const std::string &name, const std::string &text) {
    std::ofstream(dir + "/" + name) << text;
    return pathToUri(dir + "/" + name);
  }
  Object at(const std::string &uri, const Marked &m, size_t k = 0) {
    return Object{{"textDocument", Object{{"uri", uri}}}, {"position", m.position(k)}};
  }
  static const Object *result(const Value &reply) { return reply.getAsObject()->getObject("result"); }
  static const Array *resultArray(const Value &reply) { return reply.getAsObject()->getArray("result"); }
  static std::string errorMessage(const Value &reply) {
    const Object *e = reply.getAsObject()->getObject("error");
    return e ? e->getString("message")->str() : "";
  }
  static int64_t line(const Object &location) { return *location.getObject("range")->getObject("start")->getInteger("line"); }
  static int64_t character(const Object &location) {
    return *location.getObject("range")->getObject("start")->getInteger("character");
  }
  // Compiles `text` as `name` in the project (checker phase): what `rig check` says.
  bool checks(const std::string &name, const std::string &text, std::string *why = nullptr) {
    rig::CompileOptions opts;
    opts.stopAfter = rig::Phase::Check;
    opts.root = dir;
    auto c = rig::compile({rig::SourceInput{dir + "/" + name, text}}, opts);
    if (why)
      for (const rig::Diagnostic &d : c->diags.all()) *why += d.message + "\n";
    return c->ok();
  }

  std::string dir;
  Session s;
};

const char *kLib = R"(// a library
let base_image = "registry.example/base:1"

template web(image: string, replicas: int = 2) : deployment {
  replicas = replicas
  container app {
    image = image
  }
}
)";

} // namespace

TEST_F(Navigation, DefinitionAcrossImportsAndIntoTheStdlib) {
  std::string libUri = write("lib.rig", kLib);
  Marked m = marked(R"(import "lib.rig" as lib
import "std/side^cars" as sc

deployment api = lib.we^b(image: lib.base_i^mage, repl^icas: 3) {
  sidecar proxy = sc.istio_pr^oxy()
}
)");
  std::string uri = write("main.rig", m.text);
  s.open(uri, m.text);

  // A template and a let of a project module: their declarations in lib.rig.
  Value def = s.request("textDocument/definition", at(uri, m, 1));
  ASSERT_TRUE(result(def));
  EXPECT_EQ(result(def)->getString("uri")->str(), libUri);
  EXPECT_EQ(line(*result(def)), 3);
  EXPECT_EQ(character(*result(def)), 9);
  def = s.request("textDocument/definition", at(uri, m, 2));
  ASSERT_TRUE(result(def));
  EXPECT_EQ(line(*result(def)), 1);
  // A named argument: the template's parameter.
  def = s.request("textDocument/definition", at(uri, m, 3));
  ASSERT_TRUE(result(def));
  EXPECT_EQ(line(*result(def)), 3);
  EXPECT_EQ(character(*result(def)), 28);

  // A stdlib template: a read-only file under $XDG_CACHE_HOME/rig/stdlib/<version>/.
  def = s.request("textDocument/definition", at(uri, m, 4));
  ASSERT_TRUE(result(def));
  std::string stdUri = result(def)->getString("uri")->str();
  std::string stdPath = uriToPath(stdUri);
  EXPECT_EQ(stdPath.rfind(dir + "/cache/rig/stdlib/", 0), 0u) << stdPath;
  EXPECT_TRUE(llvm::StringRef(stdPath).endswith("/std/sidecars.rig")) << stdPath;
  std::string content = rig::test::readFile(stdPath);
  EXPECT_EQ(content, rig::stdlib::find("std/sidecars")->text.str());
  EXPECT_EQ((fs::status(stdPath).permissions() & fs::perms::owner_write), fs::perms::none);
  std::string defLine;
  {
    std::istringstream lines(content);
    for (int64_t i = 0; i <= line(*result(def)); ++i) std::getline(lines, defLine);
  }
  EXPECT_EQ(defLine.substr(character(*result(def)), 11), "istio_proxy");

  // The import path: the module file itself.
  def = s.request("textDocument/definition", at(uri, m, 0));
  ASSERT_TRUE(result(def));
  EXPECT_EQ(result(def)->getString("uri")->str(), stdUri);
  EXPECT_EQ(line(*result(def)), 0);
}

TEST_F(Navigation, ReferencesOfContainersVolumesAndLetsWithNonAsciiText) {
  // `ü😀` before the uses: their UTF-16 columns differ from byte columns.
  Marked m = marked(R"(let tag = "1.0"
job batch {
  restart_policy = Never
  volume sc^ratch = empty_dir()
  sidecar pro^xy {
    image = "envoy:${tag}"
  }
  sidecar uploader after proxy {
    image = "trainer:${t^ag}"; /* ü😀 */ mount scratch at "/s"
    env NOTE = "ü😀"
  }
  container tr^ainer { image = "trainer:1" }
  on exit 137 in trainer => fail_job
}
)");
  std::string uri = write("app.rig", m.text);
  s.open(uri, m.text);
  std::string why;
  ASSERT_TRUE(checks("app.rig", m.text, &why)) << why;

  auto refs = [&](size_t k, bool decl) {
    Object p = at(uri, m, k);
    p["context"] = Object{{"includeDeclaration", decl}};
    return s.request("textDocument/references", std::move(p));
  };
  // The sidecar: `after proxy`, plus its declaration on request.
  Value r = refs(1, false);
  ASSERT_TRUE(resultArray(r));
  EXPECT_EQ(resultArray(r)->size(), 1u);
  r = refs(1, true);
  ASSERT_EQ(resultArray(r)->size(), 2u);
  EXPECT_EQ(line(*(*resultArray(r))[0].getAsObject()), 4); // in document order
  EXPECT_EQ(line(*(*resultArray(r))[1].getAsObject()), 7);
  // A container named in a failure rule.
  r = refs(3, false);
  ASSERT_EQ(resultArray(r)->size(), 1u);
  EXPECT_EQ(line(*(*resultArray(r))[0].getAsObject()), 12);

  // The volume: its mount, after non-ASCII text on the same line.
  r = refs(0, false);
  ASSERT_EQ(resultArray(r)->size(), 1u);
  const Object &mount = *(*resultArray(r))[0].getAsObject();
  EXPECT_EQ(line(mount), 8);
  size_t mountAt = m.text.find("scratch at");
  EXPECT_EQ(character(mount), *positionAt(m.text, mountAt).getInteger("character"));
  EXPECT_NE(character(mount), static_cast<int64_t>(mountAt - m.text.rfind('\n', mountAt) - 1)); // bytes differ

  // A let used in two interpolations, from a use.
  r = refs(2, true);
  ASSERT_EQ(resultArray(r)->size(), 3u);

  // Nothing under the cursor: an empty list.
  Marked none = marked("^");
  EXPECT_TRUE(resultArray(s.request("textDocument/references", at(uri, none)))->empty());
}

TEST_F(Navigation, ReferencesAcrossOpenDocumentsAndImports) {
  Marked lib = marked(std::string(kLib).replace(std::string(kLib).find("base_image"), 0, "^"));
  std::string libUri = write("lib.rig", lib.text);
  std::string mainText = "import \"lib.rig\" as lib\n\ndeployment api = lib.web(image: lib.base_image)\n";
  std::string mainUri = write("main.rig", mainText);
  s.open(libUri, lib.text);
  s.open(mainUri, mainText);
  Object p = at(libUri, lib);
  p["context"] = Object{{"includeDeclaration", true}};
  Value r = s.request("textDocument/references", std::move(p));
  ASSERT_TRUE(resultArray(r));
  ASSERT_EQ(resultArray(r)->size(), 2u);
  std::set<std::string> uris;
  for (const Value &v : *resultArray(r)) uris.insert(v.getAsObject()->getString("uri")->str());
  EXPECT_EQ(uris, (std::set<std::string>{libUri, mainUri}));
}

TEST_F(Navigation, RenameRewritesEveryUseAndTheResultChecks) {
  std::string libUri = write("lib.rig", kLib);
  Marked m = marked(R"(import "lib.rig" as lib
import "std/sidecars" as sc

let ver^sion = "1.25"
deployment w^eb_app = lib.web(image: "nginx:${version}") {
  volume ca^che = empty_dir()
  sidecar pr^oxy = sc.istio_pr^oxy()
  sidecar metrics after proxy {
    image = "prom:2" // grüße 😀
    mount cache at "/c"
  }
  container app {
    image = "nginx:${version}"
    mount cache at "/cache"
  }
}
)");
  std::string uri = write("main.rig", m.text);
  s.open(uri, m.text);
  std::string why;
  ASSERT_TRUE(checks("main.rig", m.text, &why)) << why;

  auto rename = [&](size_t k, const std::string &to) {
    Object p = at(uri, m, k);
    p["newName"] = to;
    return s.request("textDocument/rename", std::move(p));
  };
  auto applied = [&](const Value &reply) {
    const Object *changes = result(reply)->getObject("changes");
    EXPECT_TRUE(changes);
    const Array *edits = changes ? changes->getArray(uri) : nullptr;
    return edits ? applyEdits(m.text, *edits) : m.text;
  };

  // A let: its declaration and both interpolations.
  Value r = rename(0, "nginx_version");
  ASSERT_TRUE(result(r)) << errorMessage(r);
  std::string out = applied(r);
  EXPECT_EQ(llvm::StringRef(out).count("nginx_version"), 3u);
  why.clear();
  EXPECT_TRUE(checks("main.rig", out, &why)) << why << out;

  // A sidecar: its declaration and `after`.
  r = rename(3, "envoy");
  ASSERT_TRUE(result(r)) << errorMessage(r);
  out = applied(r);
  EXPECT_NE(out.find("sidecar envoy = "), std::string::npos);
  EXPECT_NE(out.find("after envoy"), std::string::npos);
  why.clear();
  EXPECT_TRUE(checks("main.rig", out, &why)) << why << out;

  // A volume: its declaration and both mounts.
  r = rename(2, "scratch");
  ASSERT_TRUE(result(r)) << errorMessage(r);
  out = applied(r);
  EXPECT_EQ(llvm::StringRef(out).count("scratch"), 3u);
  why.clear();
  EXPECT_TRUE(checks("main.rig", out, &why)) << why << out;

  // A workload: its name only; the derived `app` label follows by itself.
  r = rename(1, "storefront");
  ASSERT_TRUE(result(r)) << errorMessage(r);
  out = applied(r);
  EXPECT_NE(out.find("deployment storefront = "), std::string::npos);
  why.clear();
  EXPECT_TRUE(checks("main.rig", out, &why)) << why << out;

  // prepareRename: the name's range and a placeholder.
  Value prep = s.request("textDocument/prepareRename", at(uri, m, 3));
  ASSERT_TRUE(result(prep));
  EXPECT_EQ(result(prep)->getString("placeholder")->str(), "proxy");

  // A template from another file: the edit reaches lib.rig too.
  Marked useTemplate = marked("import \"lib.rig\" as lib\ndeployment api = lib.w^eb(image: \"x:1\")\n");
  std::string otherUri = write("other.rig", useTemplate.text);
  s.open(otherUri, useTemplate.text);
  Object p = at(otherUri, useTemplate);
  p["newName"] = "service";
  r = s.request("textDocument/rename", std::move(p));
  ASSERT_TRUE(result(r)) << errorMessage(r);
  const Object *changes = result(r)->getObject("changes");
  ASSERT_TRUE(changes->getArray(libUri));
  ASSERT_TRUE(changes->getArray(otherUri));
  EXPECT_NE(applyEdits(kLib, *changes->getArray(libUri)).find("template service("), std::string::npos);
  EXPECT_NE(applyEdits(useTemplate.text, *changes->getArray(otherUri)).find("lib.service("), std::string::npos);
}

TEST_F(Navigation, RenameRefusesWithAReason) {
  write("lib.rig", kLib);
  Marked m = marked(R"(import "lib.rig"
import "std/sidecars" as sc

let ver^sion = "1.25"
let other = 2
deployment web_a^pp {
  sidecar pr^oxy = sc.istio_pr^oxy()
  container app {
    ima^ge = "nginx:${version}"
    port h^ttp = 8080
  }
}
deployment api = li^b.web(image: "x:1")
)");
  std::string uri = write("main.rig", m.text);
  s.open(uri, m.text);
  auto refusal = [&](size_t k, const std::string &to, const char *method = "textDocument/rename") {
    Object p = at(uri, m, k);
    p["newName"] = to;
    Value r = s.request(method, std::move(p));
    EXPECT_EQ(*r.getAsObject()->getObject("error")->getInteger("code"), -32803) << to;
    return errorMessage(r);
  };
  // Not a name / not a valid Kubernetes name.
  EXPECT_NE(refusal(2, "my-proxy").find("not a name"), std::string::npos);
  EXPECT_NE(refusal(2, "Proxy").find("not a valid Kubernetes name"), std::string::npos);
  EXPECT_NE(refusal(2, "a_very_long_container_name_that_is_longer_than_sixty_three_chars_ok").find("63"),
            std::string::npos);
  EXPECT_NE(refusal(0, "for").find("reserved word"), std::string::npos);
  EXPECT_NE(refusal(0, "9lives").find("not a name"), std::string::npos);
  // Taken in that scope.
  EXPECT_NE(refusal(2, "app").find("already taken"), std::string::npos);
  EXPECT_NE(refusal(0, "other").find("already taken"), std::string::npos);
  // Declared in the stdlib.
  EXPECT_NE(refusal(3, "envoy").find("standard library"), std::string::npos);
  EXPECT_NE(refusal(3, "envoy", "textDocument/prepareRename").find("read-only"), std::string::npos);
  // Not on a name.
  EXPECT_NE(refusal(4, "x").find("no name"), std::string::npos);
  // An implicit alias: the file's name.
  EXPECT_NE(refusal(6, "library").find("as NAME"), std::string::npos);
  // Workloads and other top-level declarations share a namespace.
  EXPECT_NE(refusal(1, "api").find("already taken"), std::string::npos);
  // A port name follows IANA service-name rules (at most 15 characters).
  EXPECT_NE(refusal(5, "a_very_long_port_name").find("not a valid Kubernetes name"), std::string::npos);
}

// A module's importers are usually closed while the module is edited:
// references and rename reach them from disk. Without workspace folders
// the open documents' own folders are looked at (not below them).
TEST_F(Navigation, ReferencesAndRenameReachClosedImporters) {
  Marked lib = marked(std::string(kLib).replace(std::string(kLib).find("template web"), 12, "template w^eb"));
  std::string libUri = write("lib.rig", lib.text);
  const std::string closedText = "import \"lib.rig\" as lib\n\ndeployment api = lib.web(image: \"x:1\")\n";
  std::string closedUri = write("closed.rig", closedText);
  // Mentions `web` and imports, but not lib.rig's `web`: no edit.
  const std::string otherText = "import \"std/sidecars\" as sc\n\n// web\ndeployment web { container a { image = \"x:1\" } }\n";
  std::string otherUri = write("other.rig", otherText);
  s.open(libUri, lib.text);

  Object p = at(libUri, lib);
  p["context"] = Object{{"includeDeclaration", true}};
  Value r = s.request("textDocument/references", std::move(p));
  ASSERT_TRUE(resultArray(r));
  std::set<std::string> uris;
  for (const Value &v : *resultArray(r)) uris.insert(v.getAsObject()->getString("uri")->str());
  EXPECT_EQ(uris, (std::set<std::string>{libUri, closedUri}));

  Object q = at(libUri, lib);
  q["newName"] = "service";
  Value rn = s.request("textDocument/rename", std::move(q));
  ASSERT_TRUE(result(rn)) << errorMessage(rn);
  const Object *changes = result(rn)->getObject("changes");
  ASSERT_TRUE(changes->getArray(closedUri));
  EXPECT_FALSE(changes->getArray(otherUri));
  std::string renamedLib = applyEdits(lib.text, *changes->getArray(libUri));
  std::string renamedClosed = applyEdits(closedText, *changes->getArray(closedUri));
  EXPECT_NE(renamedClosed.find("lib.service(image"), std::string::npos) << renamedClosed;
  // Both files, rewritten, still check together.
  write("lib.rig", renamedLib);
  std::string why;
  EXPECT_TRUE(checks("closed.rig", renamedClosed, &why)) << why << renamedClosed;
}

// With workspace folders from initialize, files in folders below are
// reached too; hidden folders are not looked into.
TEST_F(Navigation, ClosedImportersBelowAWorkspaceFolder) {
  fs::create_directories(dir + "/apps/web");
  fs::create_directories(dir + "/.trash");
  Marked lib = marked(std::string(kLib).replace(std::string(kLib).find("let base_image"), 14, "let base_i^mage"));
  std::string libUri = write("lib.rig", lib.text);
  const std::string nested = "import \"../../lib.rig\" as lib\n\ndeployment api = lib.web(image: lib.base_image)\n";
  std::string nestedUri = write("apps/web/api.rig", nested);
  // Would be a second reference if hidden folders were looked into.
  write(".trash/old.rig", "import \"../lib.rig\" as lib\n\ndeployment old = lib.web(image: lib.base_image)\n");
  Session ws;
  ws.request("initialize", Object{{"workspaceFolders", Array{Object{{"uri", pathToUri(dir)}, {"name", "w"}}}}});
  ws.open(libUri, lib.text);
  Object p = at(libUri, lib);
  p["context"] = Object{{"includeDeclaration", false}};
  Value r = ws.request("textDocument/references", std::move(p));
  ASSERT_TRUE(resultArray(r));
  ASSERT_EQ(resultArray(r)->size(), 1u);
  EXPECT_EQ((*resultArray(r))[0].getAsObject()->getString("uri")->str(), nestedUri);
}
