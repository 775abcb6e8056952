#include "compiler/emit/k8s/document.h"
#include "compiler/emit/k8s/yaml_text.h"

#include <gtest/gtest.h>

#include <random>

using namespace rig::emit;

TEST(YamlWriter, QuotesExactlyWhatWouldChangeType) {
  for (const char *s : {"yes", "no", "on", "off", "y", "N", "true", "null", "~", "8080", "1.31", "0x1F", "1e3",
                        "-1", "+1", "12:30", ".5", "", " lead", "trail ", "a: b", "x #c", "-x", "@at", "*star", "{a}"})
    EXPECT_FALSE(isPlainYamlSafe(s)) << s;
  for (const char *s : {"500m", "512Mi", "nginx:1.27", "app-0", "/var/log", "http://127.0.0.1:15001",
                        "Localhost", "k8s-nginx-strict", "a b", "é"})
    EXPECT_TRUE(isPlainYamlSafe(s)) << s;
}

// Every spelling YAML 1.1 reads as a bool, null, infinity or NaN, and
// near misses that are strings: the writer filters candidates by length
// and first letter before comparing, so each word is checked on its own.
TEST(YamlWriter, QuotesEverySpecialWordAndNoNearMiss) {
  for (const char *s : {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
                        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", ".inf",
                        ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", ".nan", ".NaN", ".NAN", "<<", "="})
    EXPECT_FALSE(isPlainYamlSafe(s)) << s;
  for (const char *s : {"yEs", "nO", "tRue", "nulls", "offs", "name", "type", "Never", "Always", "onion", "yes-no",
                        "<", "==", "n1", "nah", "Off1", "truE", "falsey", "image", "o"})
    EXPECT_TRUE(isPlainYamlSafe(s)) << s;
}

// Keys take a shorter test when they look like field names; special words
// among them must still be quoted.
TEST(YamlWriter, KeysThatAreSpecialWordsAreQuoted) {
  Node doc = Node::map();
  for (const char *k : {"yes", "no", "on", "off", "y", "n", "null", "true", "false", "apiVersion", "ports2", "name"})
    doc.set(k, "v");
  std::string out;
  writeYaml(doc, out);
  EXPECT_EQ(out, "\"yes\": v\n\"no\": v\n\"on\": v\n\"off\": v\n\"y\": v\n\"n\": v\n\"null\": v\n\"true\": v\n"
                 "\"false\": v\napiVersion: v\nports2: v\nname: v\n");
}

TEST(YamlWriter, BlockStyleLikeKubectl) {
  Node doc = Node::map();
  doc.set("apiVersion", "v1");
  Node &spec = doc.set("spec", Node::map());
  Node &containers = spec.set("containers", Node::list());
  Node &c = containers.push(Node::map());
  c.set("name", "app");
  c.set("args", Node::list()).push(Node::string("-c"));
  c.set("env", Node::list());
  spec.set("empty", Node::map());
  std::string out;
  writeYaml(doc, out);
  EXPECT_EQ(out,
            "apiVersion: v1\n"
            "spec:\n"
            "  containers:\n"
            "  - name: app\n"
            "    args:\n"
            "    - \"-c\"\n"
            "    env: []\n"
            "  empty: {}\n");
}

TEST(YamlWriter, MultiLineStringsUseLiteralBlocks) {
  Node doc = Node::map();
  doc.set("script", "echo one\n  echo two");
  doc.set("trailing", "a\n");
  doc.set("spaces", "a \nb");
  std::string out;
  writeYaml(doc, out);
  EXPECT_EQ(out, "script: |-\n  echo one\n    echo two\ntrailing: |\n  a\nspaces: \"a \\nb\"\n");
}

// Everything the writer prints reads back, with yaml-cpp, as the same tree.
TEST(YamlWriter, RoundTripsThroughYamlCpp) {
  Node doc = Node::map();
  const char *tricky[] = {"yes", "8080", "a: b", "x #c", "-x", "tab\there", "quote\"d", "back\\slash", "é😀",
                          "multi\nline", "multi\nline\n", "ends with space ", "", "null", "1.5", "@", "%", "`"};
  Node &list = doc.set("values", Node::list());
  for (const char *s : tricky) list.push(Node::string(s));
  doc.setInt("n", -42);
  doc.setBool("b", true);
  Node &m = doc.set("map", Node::map());
  m.set("container.apparmor.security.beta.kubernetes.io/app", "localhost/x");
  m.set("8080", "key that looks numeric");
  std::string out;
  writeYaml(doc, out);
  std::vector<Node> docs;
  std::deque<std::string> keys;
  std::string error;
  ASSERT_TRUE(readYaml(out, docs, keys, error)) << error << "\n" << out;
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_EQ(docs[0].size(), doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    EXPECT_EQ(docs[0].key(i), doc.key(i));
    EXPECT_TRUE(docs[0].value(i) == doc.value(i)) << doc.key(i).str();
  }
  EXPECT_TRUE(docs[0] == doc) << out;
}

TEST(JsonWriter, EscapesAndIndents) {
  Node doc = Node::map();
  doc.set("s", "a\"b\n\x01");
  doc.set("l", Node::list()).push(Node::integer(1));
  doc.set("e", Node::map());
  std::string out;
  writeJson(doc, out);
  EXPECT_EQ(out, "{\n  \"s\": \"a\\\"b\\n\\u0001\",\n  \"l\": [\n    1\n  ],\n  \"e\": {}\n}");
}

// Keys shaped like field names (a lower-case letter, then letters and
// digits), of every length, take the short test: it must agree with the
// full one on all of them, the special words included.
TEST(YamlWriter, TheShortKeyTestAgreesWithTheFullOne) {
  std::vector<std::string> keys = {"y", "n", "no", "on", "yes", "off", "true", "null", "false", "app", "cpu",
                                   "memory", "a", "nO", "yES", "nulls", "offs", "ON", "Yes", "x1", "o"};
  std::mt19937 rng(5);
  const char letters[] = "yesnotrufalsmpcYESNOTRUFALSM0189";
  for (int i = 0; i < 20000; ++i) {
    std::string k(1, "yntfoacmx"[rng() % 9]);
    for (size_t n = rng() % 7; n > 0; --n) k += letters[rng() % (sizeof letters - 1)];
    keys.push_back(k);
  }
  for (const std::string &k : keys) EXPECT_EQ(isPlainYamlKey(k), isPlainYamlSafe(k)) << k;
}
