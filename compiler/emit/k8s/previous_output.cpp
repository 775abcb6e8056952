#include "compiler/emit/k8s/previous_output.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "compiler/emit/k8s/document.h"

namespace rig::emit {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> text(const Node *n) {
  if (!n) return std::nullopt;
  return n->text().str();
}

// A PersistentVolumeClaim, or one entry of a StatefulSet's volumeClaimTemplates.
model::PreviousClaim claimFrom(const Node &o, const std::string &ns, const std::string &owner, const std::string &file) {
  model::PreviousClaim p;
  if (const Node *meta = o.get("metadata"))
    if (const Node *name = meta->get("name")) p.name = name->text().str();
  p.ns = ns;
  p.owner = owner;
  p.file = file;
  if (const Node *spec = o.get("spec")) {
    p.storageClass = text(spec->get("storageClassName"));
    p.attributesClass = text(spec->get("volumeAttributesClassName"));
    p.volumeMode = text(spec->get("volumeMode"));
    if (const Node *res = spec->get("resources"))
      if (const Node *req = res->get("requests")) p.size = text(req->get("storage"));
    if (const Node *modes = spec->get("accessModes"))
      for (const Node::Entry &m : modes->entries()) p.accessModes.push_back(m.value.text().str());
  }
  return p;
}

} // namespace

bool readPreviousClaims(const std::string &dir, std::vector<model::PreviousClaim> &out, std::string &error,
                        std::vector<std::string> *read) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    error = "not a directory";
    return false;
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string ext = it->path().extension().string();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json") files.push_back(it->path());
  }
  if (ec) {
    error = ec.message();
    return false;
  }
  std::sort(files.begin(), files.end());
  if (read)
    for (const fs::path &f : files) read->push_back(f.string());
  for (const fs::path &f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream contents;
    contents << in.rdbuf();
    const std::string &body = contents.str();
    // Only manifests that hold a claim or claim templates are parsed: a
    // build's other files (kustomization, AppArmor profiles) are not this
    // rule's business.
    if (body.find("PersistentVolumeClaim") == std::string::npos && body.find("volumeClaimTemplates") == std::string::npos)
      continue;
    std::vector<Node> docs;
    std::deque<std::string> keys;
    std::string err;
    if (!readYaml(body, docs, keys, err)) {
      error = fs::relative(f, dir, ec).generic_string() + ": " + err;
      return false;
    }
    // A JSON stream is one v1 List; a YAML file one or more objects.
    std::vector<const Node *> objects;
    for (const Node &d : docs) {
      if (const Node *items = d.get("items"))
        for (const Node::Entry &i : items->entries()) objects.push_back(&i.value);
      objects.push_back(&d);
    }
    std::string file = fs::relative(f, dir, ec).generic_string();
    for (const Node *o : objects) {
      const Node *kind = o->get("kind");
      const Node *meta = o->get("metadata");
      if (!kind || !meta || !meta->get("name")) continue;
      std::string ns = meta->get("namespace") ? meta->get("namespace")->text().str() : "";
      if (kind->text() == "PersistentVolumeClaim") {
        out.push_back(claimFrom(*o, ns, "", file));
      } else if (kind->text() == "StatefulSet") {
        const Node *spec = o->get("spec");
        const Node *templates = spec ? spec->get("volumeClaimTemplates") : nullptr;
        if (templates)
          for (const Node::Entry &te : templates->entries()) {
            const Node &t = te.value;
            model::PreviousClaim p = claimFrom(t, ns, meta->get("name")->text().str(), file);
            if (!p.name.empty()) out.push_back(std::move(p));
          }
      }
    }
  }
  return true;
}

} // namespace rig::emit
