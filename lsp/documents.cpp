#include "lsp/documents.h"

namespace rig::lsp {

Document &DocumentStore::open(const std::string &uri, std::string text, int64_t version) {
  auto it = docs_.find(uri);
  if (it != docs_.end()) {
    sources_.replaceText(it->second.file, std::move(text));
    it->second.version = version;
    return it->second;
  }
  Document d;
  d.uri = uri;
  d.path = uriToPath(uri);
  d.version = version;
  d.file = sources_.addFile(d.path, std::move(text));
  return docs_[uri] = d;
}

bool DocumentStore::change(const std::string &uri, const llvm::json::Array &changes, int64_t version) {
  Document *d = find(uri);
  if (!d) return false;
  for (const llvm::json::Value &c : changes) {
    const llvm::json::Object *o = c.getAsObject();
    if (!o) continue;
    auto newText = o->getString("text");
    if (!newText) continue;
    if (std::optional<Range> r = rangeFromJSON(o->get("range"))) {
      uint32_t b = offsetOf(*d, r->start), e = offsetOf(*d, r->end);
      if (e < b) std::swap(b, e);
      std::string text = sources_.text(d->file).str();
      text.replace(b, e - b, newText->str());
      sources_.replaceText(d->file, std::move(text));
    } else {
      sources_.replaceText(d->file, newText->str());
    }
  }
  d->version = version;
  return true;
}

bool DocumentStore::close(const std::string &uri) {
  auto it = docs_.find(uri);
  if (it == docs_.end()) return false;
  sources_.replaceText(it->second.file, "");
  docs_.erase(it);
  return true;
}

Document *DocumentStore::find(const std::string &uri) {
  auto it = docs_.find(uri);
  return it == docs_.end() ? nullptr : &it->second;
}

Document *DocumentStore::findByPath(const std::string &path) {
  for (auto &[uri, d] : docs_)
    if (d.path == path) return &d;
  return nullptr;
}

uint32_t DocumentStore::offsetOf(const Document &d, Position p) const {
  return sources_.fromUtf16(d.file, {p.line, p.character});
}

Position DocumentStore::positionOf(const Document &d, uint32_t offset) const {
  auto p = sources_.toUtf16(d.file, offset);
  return {p.line, p.character};
}

} // namespace rig::lsp
