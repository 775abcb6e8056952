// Documents: the text of every open document, kept current under
// incremental sync. Positions convert through a SourceManager (UTF-16 on
// the wire, bytes inside), clamped when out of range.
#pragma once

#include <map>
#include <string>

#include "compiler/source/source_manager.h"
#include "lsp/protocol.h"

namespace rig::lsp {

struct Document {
  std::string uri;
  std::string path;
  int64_t version = 0;
  FileId file; // in DocumentStore::sources()
};

class DocumentStore {
public:
  // Opening an open document replaces it.
  Document &open(const std::string &uri, std::string text, int64_t version);
  // Applies `contentChanges` in order: with a range, a splice; without, the
  // whole text. Returns false (and changes nothing) for unopened documents.
  bool change(const std::string &uri, const llvm::json::Array &changes, int64_t version);
  bool close(const std::string &uri);

  Document *find(const std::string &uri);
  Document *findByPath(const std::string &path);
  // Every open document, in URI order.
  std::vector<std::string> uris() const {
    std::vector<std::string> out;
    for (const auto &[uri, d] : docs_) out.push_back(uri);
    return out;
  }
  llvm::StringRef text(const Document &d) const { return sources_.text(d.file); }

  uint32_t offsetOf(const Document &d, Position p) const;
  Position positionOf(const Document &d, uint32_t offset) const;
  const SourceManager &sources() const { return sources_; }

private:
  SourceManager sources_; // closed documents' slots are emptied, not removed
  std::map<std::string, Document> docs_;
};

} // namespace rig::lsp
