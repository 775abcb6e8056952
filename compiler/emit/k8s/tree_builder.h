// Builds a Node with the calls YamlStream takes, so one description of an
// object (the workload builder in emit_k8s.cpp) yields either a tree (for
// JSON, and for tests comparing the two writers) or YAML text directly.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/emit/k8s/document.h"
#include "compiler/emit/k8s/yaml_stream.h" // Key, Word
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace rig::emit {

class TreeBuilder {
public:
  TreeBuilder() { open_.push_back({&root_, false}); }
  TreeBuilder(const TreeBuilder &) = delete; // open_ points into root_
  TreeBuilder &operator=(const TreeBuilder &) = delete;

  // Strings are viewed, not copied: they must outlive the tree (literals,
  // model strings), as with Node::view. Keys likewise.
  void str(Key key, llvm::StringRef value) { add(key, Node::view(value)); }
  void word(Key key, Word value) { str(key, value.str()); }
  void plain(Key key, llvm::StringRef value) { str(key, value); }
  void integer(Key key, int64_t value) { add(key, Node::integer(value)); }
  void boolean(Key key, bool value) { add(key, Node::boolean(value)); }
  void beginMap(Key key, bool omitIfEmpty = false) { open_.push_back({&add(key, Node::map()), omitIfEmpty}); }
  void beginList(Key key, bool omitIfEmpty = false) { open_.push_back({&add(key, Node::list()), omitIfEmpty}); }
  void end() {
    Open o = open_.pop_back_val();
    // The node is its parent's last entry: nothing was added to the parent
    // while it was open.
    if (!open_.empty() && o.omitIfEmpty && o.node->isEmptyContainer()) open_.back().node->popLast();
  }
  void node(Key key, Node value, bool omitIfEmpty = false) {
    if (!(omitIfEmpty && value.isEmptyContainer())) add(key, std::move(value));
  }

  bool finished() const { return open_.empty(); }
  // The document, once end() closed it.
  Node take() { return std::move(root_); }

private:
  struct Open {
    Node *node;
    bool omitIfEmpty;
  };
  Node &add(Key key, Node value) {
    Node &top = *open_.back().node;
    return top.kind() == Node::Kind::List ? top.push(std::move(value)) : top.set(key.str(), std::move(value));
  }

  Node root_ = Node::map();
  llvm::SmallVector<Open, 12> open_;
};

} // namespace rig::emit
