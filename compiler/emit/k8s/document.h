// A Kubernetes object as an ordered tree: what the builders in
// emit_k8s.cpp produce and the YAML and JSON writers print. Keys keep the
// order the builders insert them in (apiVersion, kind, metadata, spec, …),
// which is the order kubectl users expect to read.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"

namespace rig::emit {

class Node {
public:
  enum class Kind { Null, Bool, Int, String, List, Map };

  Node() = default;
  static Node map() { Node n; n.kind_ = Kind::Map; return n; }
  static Node list() { Node n; n.kind_ = Kind::List; return n; }
  static Node string(std::string s) { Node n; n.kind_ = Kind::String; n.owned_ = std::move(s); n.owns_ = true; return n; }
  // A string the node does not own: literals and model strings, which
  // outlive the document. Saves an allocation per scalar on the hot path.
  static Node view(llvm::StringRef s) { Node n; n.kind_ = Kind::String; n.view_ = s; return n; }
  static Node integer(int64_t i) { Node n; n.kind_ = Kind::Int; n.int_ = i; return n; }
  static Node boolean(bool b) { Node n; n.kind_ = Kind::Bool; n.bool_ = b; return n; }

  Kind kind() const { return kind_; }
  bool isEmptyContainer() const { return (kind_ == Kind::Map || kind_ == Kind::List) && values_.empty(); }

  // Map building. `set` appends; builders never set a key twice. Keys are
  // not copied: they must outlive the node (literals, model strings, or the
  // reader's key arena).
  Node &set(llvm::StringRef key, Node value) {
    // Most maps and lists have a handful of entries: room for four at
    // once saves the 1-2-4 regrowth (and moving every node each time).
    if (values_.empty()) reserveSmall();
    keys_.push_back(key);
    values_.push_back(std::move(value));
    return values_.back();
  }
  Node &set(llvm::StringRef key, std::string value) { return set(key, string(std::move(value))); }
  Node &set(llvm::StringRef key, const char *value) { return set(key, view(value)); }
  Node &setView(llvm::StringRef key, llvm::StringRef value) { return set(key, view(value)); }
  Node &setInt(llvm::StringRef key, int64_t value) { return set(key, integer(value)); }
  Node &setBool(llvm::StringRef key, bool value) { return set(key, boolean(value)); }
  // Adds the entry only when the value is not an empty container.
  void setIfNotEmpty(llvm::StringRef key, Node value) {
    if (!value.isEmptyContainer()) set(key, std::move(value));
  }
  // List building.
  Node &push(Node value) {
    if (values_.empty()) reserveSmall();
    values_.push_back(std::move(value));
    return values_.back();
  }

  const std::vector<llvm::StringRef> &keys() const { return keys_; }
  const std::vector<Node> &values() const { return values_; }
  llvm::StringRef text() const { return owns_ ? llvm::StringRef(owned_) : view_; }
  int64_t intValue() const { return int_; }
  bool boolValue() const { return bool_; }
  const Node *get(llvm::StringRef key) const {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] == key) return &values_[i];
    return nullptr;
  }
  bool operator==(const Node &o) const {
    return kind_ == o.kind_ && text() == o.text() && int_ == o.int_ && bool_ == o.bool_ && keys_ == o.keys_ &&
           values_ == o.values_;
  }

private:
  void reserveSmall() {
    if (kind_ == Kind::Map) keys_.reserve(4);
    values_.reserve(4);
  }

  Kind kind_ = Kind::Null;
  bool owns_ = false;
  std::string owned_;
  llvm::StringRef view_;
  int64_t int_ = 0;
  bool bool_ = false;
  std::vector<llvm::StringRef> keys_; // Map only, parallel to values_
  std::vector<Node> values_;      // Map values or List items
};

// Writers. YAML is block style, two-space indent, sequences not indented
// under their key (kubectl's style), scalars quoted exactly when YAML 1.1
// (what the API server reads) would otherwise change their type.
void writeYaml(const Node &doc, std::string &out);
void writeJson(const Node &doc, std::string &out, int indent = 0);
// Whether a string can be written as a plain YAML scalar and read back as
// the same string by a YAML 1.1 or 1.2 reader.
bool isPlainYamlSafe(llvm::StringRef s);

// Parses YAML text (one or more documents) back into trees, with yaml-cpp.
// Used to check emitted YAML round-trips; will serve the manifest importer.
// Returns false and sets `error` on a YAML syntax error.
// Map keys are kept in `keyArena`, which must outlive `docs`.
bool readYaml(llvm::StringRef text, std::vector<Node> &docs, std::deque<std::string> &keyArena, std::string &error);

} // namespace rig::emit
