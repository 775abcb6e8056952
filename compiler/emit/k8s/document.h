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
  // A map entry (key and value) or a list item (value, empty key). One
  // array of entries per node: a map used to keep its keys and values in
  // two, which doubled the allocations of the hot path.
  struct Entry;

  Node() = default;
  static Node map() { Node n; n.kind_ = Kind::Map; return n; }
  static Node list() { Node n; n.kind_ = Kind::List; return n; }
  static Node string(std::string s) { Node n; n.kind_ = Kind::String; n.owned_ = std::move(s); n.owns_ = true; return n; }
  // A string the node does not own: literals and model strings, which
  // outlive the document. Saves an allocation per scalar on the hot path.
  static Node view(llvm::StringRef s) { Node n; n.kind_ = Kind::String; n.view_ = s; return n; }
  static Node integer(int64_t i) { Node n; n.kind_ = Kind::Int; n.int_ = i; return n; }
  static Node boolean(bool b) { Node n; n.kind_ = Kind::Bool; n.int_ = b; return n; }

  Kind kind() const { return kind_; }
  bool isEmptyContainer() const { return (kind_ == Kind::Map || kind_ == Kind::List) && entries_.empty(); }

  // Map building. `set` appends; builders never set a key twice. Keys are
  // not copied: they must outlive the node (literals, model strings, or the
  // reader's key arena).
  inline Node &set(llvm::StringRef key, Node value);
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
  inline Node &push(Node value);
  // Removes the last entry or item (a container that stayed empty).
  void popLast() { entries_.pop_back(); }

  // A map's entries in insertion order, or a list's items (keys empty).
  const std::vector<Entry> &entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  inline const Node &value(size_t i) const;
  inline llvm::StringRef key(size_t i) const;
  llvm::StringRef text() const { return owns_ ? llvm::StringRef(owned_) : view_; }
  int64_t intValue() const { return int_; }
  bool boolValue() const { return int_ != 0; }
  inline const Node *get(llvm::StringRef key) const;
  inline bool operator==(const Node &o) const;

private:
  void reserveSmall() {
    // Most maps and lists have a handful of entries: room for four at
    // once saves the 1-2-4 regrowth (and moving every node each time).
    entries_.reserve(4);
  }

  Kind kind_ = Kind::Null;
  bool owns_ = false;
  int64_t int_ = 0; // Int, and Bool as 0 or 1
  llvm::StringRef view_;
  std::string owned_;
  std::vector<Entry> entries_;
};

struct Node::Entry {
  llvm::StringRef key;
  Node value;
  bool operator==(const Entry &o) const { return key == o.key && value == o.value; }
};

inline Node &Node::set(llvm::StringRef key, Node value) {
  if (entries_.empty()) reserveSmall();
  entries_.push_back(Entry{key, std::move(value)});
  return entries_.back().value;
}
inline Node &Node::push(Node value) {
  if (entries_.empty()) reserveSmall();
  entries_.push_back(Entry{llvm::StringRef(), std::move(value)});
  return entries_.back().value;
}
inline const Node &Node::value(size_t i) const { return entries_[i].value; }
inline llvm::StringRef Node::key(size_t i) const { return entries_[i].key; }
inline const Node *Node::get(llvm::StringRef key) const {
  for (const Entry &e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}
inline bool Node::operator==(const Node &o) const {
  return kind_ == o.kind_ && text() == o.text() && int_ == o.int_ && entries_ == o.entries_;
}

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
