// StorageClass, VolumeAttributesClass and PersistentVolumeClaim objects.
// Classes are cluster-scoped ("<kind>-<name>.yaml"), claims namespaced.
#include "compiler/emit/k8s/feature_objects.h"

namespace rig::emit {

namespace {

Node stringMap(const std::map<std::string, std::string> &m) {
  Node n = Node::map();
  for (const auto &[k, v] : m) n.setView(k, v);
  return n;
}

std::string clusterPath(llvm::StringRef kind, const std::string &name) { return kind.str() + "-" + name + ".yaml"; }

} // namespace

Node claimSpec(const model::Claim &c) {
  Node spec = Node::map();
  Node modes = Node::list();
  for (const std::string &m : c.accessModes) modes.push(Node::view(m));
  spec.set("accessModes", std::move(modes));
  Node requests = Node::map();
  requests.set("storage", c.size ? c.size->canonical() : std::string("0"));
  Node resources = Node::map();
  resources.set("requests", std::move(requests));
  spec.set("resources", std::move(resources));
  // `storage_class = ""` is an explicit "no class" (static binding) and is emitted as such.
  if (c.storageClassSet) spec.setView("storageClassName", c.storageClass);
  if (!c.attributesClass.empty()) spec.setView("volumeAttributesClassName", c.attributesClass);
  if (!c.volumeMode.empty()) spec.setView("volumeMode", c.volumeMode);
  return spec;
}

void emitStorageObjects(const model::Program &program, std::vector<FeatureObject> &out) {
  const model::StorageModel &st = program.storage;
  for (const model::StorageClass &sc : st.classes) {
    Node obj = objectWithMetadata("storage.k8s.io/v1", "StorageClass", sc.name);
    obj.setView("provisioner", sc.provisioner);
    obj.setIfNotEmpty("parameters", stringMap(sc.parameters));
    if (!sc.reclaimPolicy.empty()) obj.setView("reclaimPolicy", sc.reclaimPolicy);
    if (!sc.volumeBindingMode.empty()) obj.setView("volumeBindingMode", sc.volumeBindingMode);
    if (sc.allowVolumeExpansion) obj.setBool("allowVolumeExpansion", *sc.allowVolumeExpansion);
    if (!sc.mountOptions.empty()) {
      Node opts = Node::list();
      for (const std::string &o : sc.mountOptions) opts.push(Node::view(o));
      obj.set("mountOptions", std::move(opts));
    }
    out.push_back({clusterPath("storageclass", sc.name), std::move(obj)});
  }
  for (const model::VolumeAttributesClass &vac : st.attributes) {
    Node obj = objectWithMetadata(k8s::volumeAttributesClassApi(program.target), "VolumeAttributesClass", vac.name);
    obj.setView("driverName", vac.driver);
    obj.set("parameters", stringMap(vac.parameters));
    out.push_back({clusterPath("volumeattributesclass", vac.name), std::move(obj)});
  }
  for (const model::Claim &c : st.claims) {
    Node obj = objectWithMetadata("v1", "PersistentVolumeClaim", c.name, c.ns);
    obj.set("spec", claimSpec(c));
    out.push_back({(c.ns.empty() ? "" : c.ns + "/") + clusterPath("persistentvolumeclaim", c.name), std::move(obj)});
  }
}

} // namespace rig::emit
