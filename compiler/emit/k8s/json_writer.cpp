// JSON for `--format json`: two-space indent like `kubectl get -o json`.
#include "compiler/emit/k8s/document.h"

namespace rig::emit {

namespace {

void writeString(llvm::StringRef s, std::string &out) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    default:
      if (c < 0x20) {
        static const char hex[] = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
}

} // namespace

void writeJson(const Node &n, std::string &out, int indent) {
  switch (n.kind()) {
  case Node::Kind::Null: out += "null"; return;
  case Node::Kind::Bool: out += n.boolValue() ? "true" : "false"; return;
  case Node::Kind::Int: out += std::to_string(n.intValue()); return;
  case Node::Kind::String: writeString(n.text(), out); return;
  case Node::Kind::List:
  case Node::Kind::Map: {
    bool isMap = n.kind() == Node::Kind::Map;
    if (n.size() == 0) {
      out += isMap ? "{}" : "[]";
      return;
    }
    out += isMap ? "{\n" : "[\n";
    for (size_t i = 0; i < n.size(); ++i) {
      out.append(indent + 2, ' ');
      if (isMap) {
        writeString(n.key(i), out);
        out += ": ";
      }
      writeJson(n.value(i), out, indent + 2);
      if (i + 1 < n.size()) out += ',';
      out += '\n';
    }
    out.append(indent, ' ');
    out += isMap ? '}' : ']';
    return;
  }
  }
}

} // namespace rig::emit
