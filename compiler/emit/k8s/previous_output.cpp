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

bool readPreviousClaims(const std::string &dir, std::vector<model::PreviousClaim> &out, std::string &error) {
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
  for (const fs::path &f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    // Only manifests that hold a claim are parsed: a build's other files
    // (kustomization, AppArmor profiles) are not this rule's business.
    if (text.str().find("PersistentVolumeClaim") == std::string::npos) continue;
    std::vector<Node> docs;
    std::deque<std::string> keys;
    std::string err;
    if (!readYaml(text.str(), docs, keys, err)) {
      error = fs::relative(f, dir, ec).generic_string() + ": " + err;
      return false;
    }
    // A JSON stream is one v1 List; a YAML file one or more objects.
    std::vector<const Node *> objects;
    for (const Node &d : docs) {
      if (const Node *items = d.get("items"))
        for (const Node &i : items->values()) objects.push_back(&i);
      objects.push_back(&d);
    }
    for (const Node *o : objects) {
      const Node *kind = o->get("kind");
      const Node *meta = o->get("metadata");
      if (!kind || kind->text() != "PersistentVolumeClaim" || !meta || !meta->get("name")) continue;
      model::PreviousClaim p;
      p.name = meta->get("name")->text().str();
      if (const Node *ns = meta->get("namespace")) p.ns = ns->text().str();
      if (const Node *spec = o->get("spec"))
        if (const Node *sc = spec->get("storageClassName")) p.storageClass = sc->text().str();
      p.file = fs::relative(f, dir, ec).generic_string();
      out.push_back(std::move(p));
    }
  }
  return true;
}

} // namespace rig::emit
