#include "lsp/protocol.h"

#include <cctype>

namespace rig::lsp {

using llvm::json::Object;
using llvm::json::Value;

Value toJSON(const Position &p) { return Object{{"line", p.line}, {"character", p.character}}; }
Value toJSON(const Range &r) { return Object{{"start", toJSON(r.start)}, {"end", toJSON(r.end)}}; }

std::optional<Position> positionFromJSON(const Value *v) {
  const Object *o = v ? v->getAsObject() : nullptr;
  if (!o) return std::nullopt;
  auto line = o->getInteger("line");
  auto ch = o->getInteger("character");
  if (!line || !ch || *line < 0 || *ch < 0) return std::nullopt;
  // Huge values are clamped later against the text; keep them in range here.
  auto clamp = [](int64_t x) { return static_cast<uint32_t>(std::min<int64_t>(x, UINT32_MAX)); };
  return Position{clamp(*line), clamp(*ch)};
}

std::optional<Range> rangeFromJSON(const Value *v) {
  const Object *o = v ? v->getAsObject() : nullptr;
  if (!o) return std::nullopt;
  auto s = positionFromJSON(o->get("start")), e = positionFromJSON(o->get("end"));
  if (!s || !e) return std::nullopt;
  return Range{*s, *e};
}

static int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string uriToPath(llvm::StringRef uri) {
  if (!uri.consume_front("file://")) return uri.str();
  std::string out;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size() && hexValue(uri[i + 1]) >= 0 &&
        hexValue(uri[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(uri[i + 1]) * 16 + hexValue(uri[i + 2]));
      i += 2;
    } else {
      out += uri[i];
    }
  }
  return out;
}

std::string pathToUri(llvm::StringRef path) {
  if (path.contains("://")) return path.str();
  static const char *hex = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Value makeResponse(const Value &id, Value result) {
  return Object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

Value makeError(const Value &id, int code, llvm::StringRef message) {
  return Object{{"jsonrpc", "2.0"}, {"id", id}, {"error", Object{{"code", code}, {"message", message.str()}}}};
}

Value makeNotification(llvm::StringRef method, Value params) {
  return Object{{"jsonrpc", "2.0"}, {"method", method.str()}, {"params", std::move(params)}};
}

} // namespace rig::lsp
