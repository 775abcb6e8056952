// An in-process LSP session for tests, and sources with inline cursor
// markers: `^` marks a position and is removed before the text is sent.
#pragma once

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "lsp/server.h"

namespace rig::lsp::testing {

class Session {
public:
  Session()
      : server_([this](const llvm::json::Value &v) { sent.push_back(v); },
                [this](llvm::StringRef m) { logs.push_back(m.str()); }) {}

  // Sends a request and returns its reply (the whole envelope).
  llvm::json::Value request(llvm::StringRef method, llvm::json::Object params) {
    int64_t id = ++nextId_;
    server_.handle(llvm::json::Object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method.str()}, {"params", std::move(params)}});
    for (const llvm::json::Value &v : sent)
      if (const llvm::json::Object *o = v.getAsObject(); o && o->getInteger("id") == id) return v;
    ADD_FAILURE() << "no reply to " << method.str();
    return nullptr;
  }
  void notify(llvm::StringRef method, llvm::json::Object params) {
    server_.handle(llvm::json::Object{{"jsonrpc", "2.0"}, {"method", method.str()}, {"params", std::move(params)}});
  }
  void open(const std::string &uri, const std::string &text) {
    notify("textDocument/didOpen",
           llvm::json::Object{{"textDocument", llvm::json::Object{{"uri", uri}, {"languageId", "rig"}, {"version", 1}, {"text", text}}}});
  }
  Server &server() { return server_; }
  std::vector<llvm::json::Value> sent;
  std::vector<std::string> logs;

private:
  Server server_;
  int64_t nextId_ = 0;
};

// 0-based line and UTF-16 column of byte `at` in `text`.
inline llvm::json::Object positionAt(llvm::StringRef text, size_t at) {
  uint32_t line = 0, col = 0;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    unsigned char c = text[i];
    if (c == '\n') {
      ++line;
      col = 0;
    } else if ((c & 0xC0) != 0x80) {
      col += (c >= 0xF0) ? 2 : 1; // 4-byte UTF-8 = a surrogate pair
    }
  }
  return llvm::json::Object{{"line", line}, {"character", col}};
}

// A source with `^` cursor markers: the text without them, and each
// marker's byte offset in that text.
struct Marked {
  std::string text;
  std::vector<size_t> cursors;
  llvm::json::Object position(size_t k = 0) const { return positionAt(text, cursors.at(k)); }
};
inline Marked marked(llvm::StringRef withMarkers) {
  Marked m;
  for (char c : withMarkers) {
    if (c == '^') m.cursors.push_back(m.text.size());
    else m.text += c;
  }
  return m;
}

// The byte offset of an LSP position (UTF-16 column) in `text`.
inline size_t offsetAt(llvm::StringRef text, const llvm::json::Object &pos) {
  int64_t line = *pos.getInteger("line"), col = *pos.getInteger("character");
  size_t i = 0;
  for (; i < text.size() && line > 0; ++i)
    if (text[i] == '\n') --line;
  for (; i < text.size() && col > 0 && text[i] != '\n'; ++i) {
    unsigned char c = text[i];
    if ((c & 0xC0) != 0x80) col -= (c >= 0xF0) ? 2 : 1;
  }
  while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  return i;
}

// Applies a TextEdit list to `text` (edits do not overlap), last first.
inline std::string applyEdits(std::string text, const llvm::json::Array &edits) {
  std::vector<std::tuple<size_t, size_t, std::string>> spans;
  for (const llvm::json::Value &e : edits) {
    const llvm::json::Object *o = e.getAsObject();
    const llvm::json::Object *r = o->getObject("range");
    spans.emplace_back(offsetAt(text, *r->getObject("start")), offsetAt(text, *r->getObject("end")),
                       o->getString("newText")->str());
  }
  std::sort(spans.begin(), spans.end(), [](const auto &a, const auto &b) { return std::get<0>(a) > std::get<0>(b); });
  for (const auto &[b, e, t] : spans) text.replace(b, e - b, t);
  return text;
}

} // namespace rig::lsp::testing
