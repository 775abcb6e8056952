// YamlStream must print exactly what writeYaml prints for the tree the same
// calls build (TreeBuilder): the workload documents of every build go
// through the stream, JSON and the rest through the tree.
#include "compiler/emit/k8s/tree_builder.h"
#include "compiler/emit/k8s/yaml_stream.h"

#include <deque>
#include <random>

#include <gtest/gtest.h>

using namespace rig::emit;

namespace {

// Both writers, driven by the same calls.
struct Both {
  std::string streamed;
  YamlStream stream{streamed};
  TreeBuilder tree;

  void str(Key k, llvm::StringRef v) { stream.str(k, v), tree.str(k, v); }
  void word(Key k, Word v) { stream.word(k, v), tree.word(k, v); }
  void plain(Key k, llvm::StringRef v) { stream.plain(k, v), tree.plain(k, v); }
  void integer(Key k, int64_t v) { stream.integer(k, v), tree.integer(k, v); }
  void boolean(Key k, bool v) { stream.boolean(k, v), tree.boolean(k, v); }
  void beginMap(Key k, bool omit = false) { stream.beginMap(k, omit), tree.beginMap(k, omit); }
  void beginList(Key k, bool omit = false) { stream.beginList(k, omit), tree.beginList(k, omit); }
  void end() { stream.end(), tree.end(); }
  void node(Key k, const Node &n, bool omit = false) { stream.node(k, n, omit), tree.node(k, n, omit); }

  // Closes the document; returns (stream text, tree text).
  std::pair<std::string, std::string> finish() {
    end();
    EXPECT_TRUE(stream.finished());
    EXPECT_TRUE(tree.finished());
    std::string fromTree;
    writeYaml(tree.take(), fromTree);
    return {streamed, fromTree};
  }
};

} // namespace

TEST(YamlStream, WritesLikeTheTreeWriter) {
  Both b;
  b.word("apiVersion", "apps/v1");
  b.beginMap("metadata");
  b.str("name", "web");
  b.beginMap("labels");
  b.str(Key::text("app.kubernetes.io/name"), "web");
  b.str(Key::text("yes"), "no"); // a special word as key and value
  b.end();
  b.beginMap("annotations", true); // omitted: stays empty
  b.end();
  b.end();
  b.beginMap("spec");
  b.integer("replicas", 3);
  b.beginList("containers");
  b.beginMap(Key());
  b.str("name", "app");
  b.word("restartPolicy", "Always");
  b.plain("image", "nginx:1.27"); // checked by the caller
  b.str("script", "echo one\n  echo two\n"); // a literal block in a map
  b.beginList("args");
  b.str(Key(), "-c");
  b.str(Key(), "multi\nline");              // a literal block as an item
  b.end();
  b.beginMap("resources", true);
  b.beginMap("requests", true);
  b.end();
  b.beginMap("limits", true);
  b.str("cpu", "1");
  b.end();
  b.end();
  b.beginMap("securityContext", true); // omitted, with an omitted map inside
  b.beginMap("capabilities", true);
  b.end();
  b.end();
  b.beginMap("empty"); // kept: `{}`
  b.end();
  b.beginList("emptyList"); // kept: `[]`
  b.end();
  b.end();
  b.beginMap(Key()); // a map item that is empty
  b.end();
  b.beginList(Key()); // a sequence in a sequence
  b.integer(Key(), -7);
  b.boolean(Key(), false);
  b.end();
  b.end();
  b.end();
  auto [streamed, fromTree] = b.finish();
  EXPECT_EQ(streamed, fromTree);
  EXPECT_EQ(streamed, "apiVersion: apps/v1\n"
                      "metadata:\n"
                      "  name: web\n"
                      "  labels:\n"
                      "    app.kubernetes.io/name: web\n"
                      "    \"yes\": \"no\"\n"
                      "spec:\n"
                      "  replicas: 3\n"
                      "  containers:\n"
                      "  - name: app\n"
                      "    restartPolicy: Always\n"
                      "    image: nginx:1.27\n"
                      "    script: |\n"
                      "      echo one\n"
                      "        echo two\n"
                      "    args:\n"
                      "    - \"-c\"\n"
                      "    - |-\n"
                      "      multi\n"
                      "      line\n"
                      "    resources:\n"
                      "      limits:\n"
                      "        cpu: \"1\"\n"
                      "    empty: {}\n"
                      "    emptyList: []\n"
                      "  - {}\n"
                      "  - \n" // a sequence item that is a sequence starts on the next line
                      "    - -7\n"
                      "    - false\n");
}

TEST(YamlStream, EmptyDocumentAndSubtrees) {
  {
    Both b;
    auto [streamed, fromTree] = b.finish();
    EXPECT_EQ(streamed, "{}\n");
    EXPECT_EQ(streamed, fromTree);
  }
  Both b;
  Node sub = Node::map();
  sub.set("claimName", "data");
  sub.set("list", Node::list()).push(Node::view("x"));
  b.beginList("volumes");
  b.node(Key(), sub);         // a subtree as an item
  b.node(Key(), Node::map()); // an empty one, kept
  b.end();
  b.beginMap("pending", true); // a subtree opens its pending parents
  b.beginMap("inner", true);
  b.node("spec", sub);
  b.node("gone", Node::list(), true);
  b.end();
  b.end();
  auto [streamed, fromTree] = b.finish();
  EXPECT_EQ(streamed, fromTree);
  EXPECT_EQ(streamed, "volumes:\n"
                      "- claimName: data\n"
                      "  list:\n"
                      "  - x\n"
                      "- {}\n"
                      "pending:\n"
                      "  inner:\n"
                      "    spec:\n"
                      "      claimName: data\n"
                      "      list:\n"
                      "      - x\n");
}

// Random documents: nesting of maps and sequences in each other, kept and
// omitted empty containers, and scalars that are plain, quoted or literal
// blocks, at every depth. A fixed seed keeps the test reproducible.
TEST(YamlStream, RandomDocumentsMatchTheTreeWriter) {
  static const char *texts[] = {"plain", "yes", "8080", "a: b", "multi\nline\n", "multi\nline", "", " lead",
                                "nginx:1.27", "x #c", "tab\there", "é"};
  static const char *keys[] = {"name", "on", "a b", "app.kubernetes.io/name", "8080", "-dash", "key"};
  std::mt19937 rng(20261129);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (int doc = 0; doc < 500; ++doc) {
    Both b;
    std::vector<bool> isList{false}; // the open containers, the document first
    std::deque<std::string> owned;
    for (int step = 0; step < 60; ++step) {
      bool inList = isList.back();
      Key key = inList ? Key() : Key::text(keys[pick(std::size(keys))]);
      // Keys in one map repeat here; neither writer checks that (builders
      // never set a key twice), so it does not matter to the comparison.
      switch (pick(isList.size() > 6 ? 5 : 7)) {
      case 0: b.str(key, texts[pick(std::size(texts))]); break;
      case 1: b.integer(key, static_cast<int64_t>(rng()) - (1ll << 31)); break;
      case 2: b.boolean(key, pick(2)); break;
      case 3: {
        Node n = pick(2) ? Node::list() : Node::map();
        if (pick(2)) {
          owned.push_back(texts[pick(std::size(texts))]);
          if (n.kind() == Node::Kind::List) n.push(Node::view(owned.back()));
          else n.set("k", Node::view(owned.back()));
        }
        b.node(key, n, pick(2));
        break;
      }
      case 4:
        if (isList.size() > 1) {
          b.end();
          isList.pop_back();
        }
        break;
      case 5: b.beginMap(key, pick(2)), isList.push_back(false); break;
      case 6: b.beginList(key, pick(2)), isList.push_back(true); break;
      }
    }
    while (isList.size() > 1) b.end(), isList.pop_back();
    auto [streamed, fromTree] = b.finish();
    ASSERT_EQ(streamed, fromTree) << "document " << doc;
  }
}

// The stream writes through a cursor into the string, sized ahead of the
// text and cut back when the document ends: text already in the string
// stays, the document may outgrow any amount of room ahead (many entries,
// values longer than that room), and what comes after it is appended as to
// any string.
TEST(YamlStream, GrowsPastItsRoomAheadAndKeepsWhatCameBefore) {
  std::string out = "---\n";
  out.reserve(5000); // like a batch of documents: room, but less than needed
  for (int doc = 0; doc < 3; ++doc) {
    TreeBuilder tree;
    std::deque<std::string> owned;
    size_t before = out.size();
    {
      YamlStream stream(out);
      auto both = [&](auto f) { f(stream), f(tree); };
      for (int i = 0; i < 400; ++i) {
        owned.push_back(std::string(static_cast<size_t>(i * 7 % 3000), 'a' + i % 26));
        Key key = Key::text(owned.emplace_back("key" + std::to_string(i)));
        const std::string &value = owned[owned.size() - 2];
        both([&](auto &w) { w.beginMap(key, i % 3 == 0); });
        if (i % 3 != 0) both([&](auto &w) { w.str("value", value); });
        if (i % 5 == 0) both([&](auto &w) { w.str("quoted", "a: b"); }); // written through the string itself
        both([&](auto &w) { w.end(); });
      }
      both([&](auto &w) { w.end(); });
      ASSERT_TRUE(stream.finished());
      EXPECT_EQ(out.size(), out.find_last_not_of('\0') + 1) << "cut back to the text";
    }
    std::string text;
    writeYaml(tree.take(), text);
    EXPECT_EQ(out.substr(before), text) << "document " << doc;
    out += "---\n";
  }
  EXPECT_EQ(out.substr(0, 4), "---\n");
  EXPECT_GT(out.size(), 3 * 4096u * 10);
}
