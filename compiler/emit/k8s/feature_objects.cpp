#include "compiler/emit/k8s/feature_objects.h"

namespace rig::emit {

Node objectWithMetadata(llvm::StringRef api, llvm::StringRef kind, llvm::StringRef name, llvm::StringRef ns) {
  Node obj = Node::map();
  obj.setView("apiVersion", api);
  obj.setView("kind", kind);
  Node meta = Node::map();
  meta.setView("name", name);
  if (!ns.empty()) meta.setView("namespace", ns);
  obj.set("metadata", std::move(meta));
  return obj;
}

} // namespace rig::emit
