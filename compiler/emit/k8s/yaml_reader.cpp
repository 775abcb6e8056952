// YAML back into document trees, with yaml-cpp: the emitter's tests check
// that every manifest it writes reads back as the tree it came from, and
// the manifest importer (lint, migrate) builds on it. yaml-cpp stays
// private to this file; its exceptions stop here.
#include <yaml-cpp/yaml.h>

#include "compiler/emit/k8s/document.h"

namespace rig::emit {

namespace {

Node convert(const YAML::Node &y, std::deque<std::string> &keys) {
  switch (y.Type()) {
  case YAML::NodeType::Null:
  case YAML::NodeType::Undefined: return Node();
  case YAML::NodeType::Sequence: {
    Node n = Node::list();
    for (const YAML::Node &item : y) n.push(convert(item, keys));
    return n;
  }
  case YAML::NodeType::Map: {
    Node n = Node::map();
    for (const auto &kv : y) {
      keys.push_back(kv.first.Scalar());
      llvm::StringRef key = keys.back(); // before converting the value pushes more keys
      n.set(key, convert(kv.second, keys));
    }
    return n;
  }
  case YAML::NodeType::Scalar: {
    const std::string &s = y.Scalar();
    // Quoted scalars carry the "!" tag in yaml-cpp: always strings.
    if (y.Tag() == "!") return Node::string(s);
    if (s == "true" || s == "false") return Node::boolean(s == "true");
    if (s == "null" || s == "~") return Node();
    llvm::StringRef t(s);
    long long i;
    if (!t.empty() && !t.getAsInteger(10, i) && (isdigit((unsigned char)t[0]) || t[0] == '-')) return Node::integer(i);
    return Node::string(s);
  }
  }
  return Node();
}

} // namespace

bool readYaml(llvm::StringRef text, std::vector<Node> &docs, std::deque<std::string> &keyArena, std::string &error) {
  try {
    for (const YAML::Node &d : YAML::LoadAll(text.str())) docs.push_back(convert(d, keyArena));
    return true;
  } catch (const YAML::Exception &e) {
    error = e.what();
    return false;
  }
}

} // namespace rig::emit
