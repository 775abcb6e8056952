// A streaming YAML writer for the document tree. Hand-written because it is
// the hot path of every build: yaml-cpp's emitter measured ~5 MB/s here
// (185 ms for the 1,000-workload benchmark alone), slower than whole peer
// tools; this one is checked against yaml-cpp's reader in the tests.
#include "compiler/emit/k8s/document.h"
#include "compiler/emit/k8s/yaml_text.h"

#include <array>

#include "llvm/ADT/SmallVector.h"

namespace rig::emit {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// YAML 1.1 resolves these plain scalars to non-strings (go-yaml v2, the
// API server's reader): booleans in every spelling, null, and numbers
// including octal, hex, base 60 and underscores.
bool looksLikeNonString(llvm::StringRef s) {
  static const llvm::StringRef words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                          "true", "True", "TRUE", "false", "False", "FALSE", "on", "On",
                                          "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
                                          ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf",
                                          ".nan", ".NaN", ".NAN", "<<", "="};
  // Which (length, first character) pairs some special word has: this runs
  // for every key and value written, and almost none of them pass it.
  static const auto candidates = [] {
    std::array<std::array<bool, 256>, 7> t{};
    for (llvm::StringRef w : words) t[w.size()][(unsigned char)w.front()] = true;
    return t;
  }();
  if (s.size() <= 6 && candidates[s.size()][(unsigned char)s.front()])
    for (llvm::StringRef w : words)
      if (s == w) return true;
  // Anything made only of number characters that starts like a number is
  // treated as one: simpler and safer than reproducing every resolver.
  llvm::StringRef t = s;
  if (t.startswith("+") || t.startswith("-")) t = t.drop_front();
  if (t.empty()) return false;
  if (!isDigit(t[0]) && !(t[0] == '.' && t.size() > 1 && isDigit(t[1]))) return false;
  for (char c : t)
    if (!(isDigit(c) || c == '.' || c == '_' || c == ':' || c == 'e' || c == 'E' || c == '+' || c == '-' ||
          c == 'x' || c == 'X' || c == 'o' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == 'T' ||
          c == 'Z' || c == 't' || c == 'z' || c == ' '))
      return false;
  return true;
}

void writeQuoted(llvm::StringRef s, std::string &out) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        static const char hex[] = "0123456789abcdef";
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
}

void writeScalar(const Node &n, std::string &out) {
  switch (n.kind()) {
  case Node::Kind::Null: out += "null"; return;
  case Node::Kind::Bool: out += n.boolValue() ? "true" : "false"; return;
  case Node::Kind::Int: writeYamlInt(n.intValue(), out); return;
  case Node::Kind::String:
    if (isPlainYamlSafe(n.text())) out += n.text();
    else writeQuoted(n.text(), out);
    return;
  case Node::Kind::Map: out += "{}"; return;
  case Node::Kind::List: out += "[]"; return;
  }
}

// Multi-line strings (scripts) read best as literal blocks. Only strings a
// literal block reproduces exactly qualify; the rest are double-quoted.
bool isLiteralBlockSafe(llvm::StringRef s) {
  if (!s.contains('\n') || s.startswith(" ") || s.startswith("\t") || s.startswith("\n")) return false;
  if (s.endswith("\n\n")) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
    if (c == '\n' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) return false;
  }
  return !s.endswith(" ") && !s.endswith("\t");
}

void writeLiteralBlock(llvm::StringRef s, int indent, std::string &out) {
  bool finalNewline = s.endswith("\n");
  out += finalNewline ? "|\n" : "|-\n";
  if (finalNewline) s = s.drop_back();
  llvm::SmallVector<llvm::StringRef, 16> lines;
  s.split(lines, '\n');
  for (llvm::StringRef l : lines) {
    if (!l.empty()) writeYamlIndent(indent, out);
    out += l;
    out += '\n';
  }
}

bool isScalarLike(const Node &n) {
  return (n.kind() != Node::Kind::Map && n.kind() != Node::Kind::List) || n.isEmptyContainer();
}

void writeNode(const Node &n, int indent, std::string &out);

// Writes the entries of a map; the first line is already indented by the caller.
void writeMapBody(const Node &n, int indent, std::string &out, bool firstInline) {
  bool first = true;
  for (const Node::Entry &e : n.entries()) {
    if (!first || !firstInline) writeYamlIndent(indent, out);
    first = false;
    writeYamlKey(e.key, out);
    writeYamlEntryValue(e.value, indent, out);
  }
}

void writeNode(const Node &n, int indent, std::string &out) {
  if (isScalarLike(n)) {
    writeYamlIndent(indent, out);
    writeScalar(n, out);
    out += '\n';
    return;
  }
  if (n.kind() == Node::Kind::Map) {
    writeMapBody(n, indent, out, false);
    return;
  }
  for (const Node::Entry &e : n.entries()) {
    writeYamlIndent(indent, out);
    out += "- ";
    writeYamlItemValue(e.value, indent, out);
  }
}

} // namespace

char *formatYamlInt(int64_t v, char (&buf)[24]) {
  char *p = buf + sizeof buf;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do *--p = static_cast<char>('0' + u % 10);
  while (u /= 10);
  if (v < 0) *--p = '-';
  return p;
}

void writeYamlInt(int64_t v, std::string &out) {
  char buf[24];
  out.append(formatYamlInt(v, buf), buf + sizeof buf);
}

bool isPlainYamlKey(llvm::StringRef key) { return isPlainFieldName(key) || isPlainYamlSafe(key); }

void writeYamlKey(llvm::StringRef key, std::string &out) {
  if (isPlainYamlKey(key)) out += key;
  else writeQuoted(key, out);
}

void writeYamlString(llvm::StringRef s, int blockIndent, std::string &out) {
  // Plain first: the common case, and a plain-safe string has no line
  // break, so it never qualifies for a literal block.
  if (isPlainYamlSafe(s)) {
    out += s;
  } else if (isLiteralBlockSafe(s)) {
    writeLiteralBlock(s, blockIndent, out);
    return;
  } else {
    writeQuoted(s, out);
  }
  out += '\n';
}

void writeYamlIndent(int n, std::string &out) {
  for (; n > kYamlSpacesLength; n -= kYamlSpacesLength) out.append(kYamlSpaces, kYamlSpacesLength);
  out.append(kYamlSpaces, static_cast<size_t>(n));
}

void writeYamlEntryValue(const Node &v, int indent, std::string &out) {
  if (v.kind() == Node::Kind::String && isLiteralBlockSafe(v.text())) {
    out += ": ";
    writeLiteralBlock(v.text(), indent + 2, out);
  } else if (isScalarLike(v)) {
    out += ": ";
    writeScalar(v, out);
    out += '\n';
  } else if (v.kind() == Node::Kind::Map) {
    out += ":\n";
    writeNode(v, indent + 2, out);
  } else {
    out += ":\n";
    writeNode(v, indent, out); // sequences sit at the key's indent
  }
}

void writeYamlItemValue(const Node &item, int indent, std::string &out) {
  if (item.kind() == Node::Kind::String && isLiteralBlockSafe(item.text())) {
    writeLiteralBlock(item.text(), indent + 2, out);
  } else if (isScalarLike(item)) {
    writeScalar(item, out);
    out += '\n';
  } else if (item.kind() == Node::Kind::Map) {
    writeMapBody(item, indent + 2, out, true);
  } else {
    out += '\n';
    writeNode(item, indent + 2, out);
  }
}

bool isPlainYamlSafe(llvm::StringRef s) {
  // Characters that may not start a plain scalar (indicators, space); and
  // for the rest of the string, bytes that may appear nowhere in one
  // (controls) and the two that depend on their neighbour (`: ` starts a
  // mapping value, ` #` a comment). Table lookups, since this runs for
  // every key and scalar written.
  enum : uint8_t { Ordinary = 0, Bad = 1, Contextual = 2 };
  static const auto tables = [] {
    std::array<bool, 256> badFirst{};
    std::array<uint8_t, 256> any{};
    for (unsigned char c : llvm::StringRef("-?:,[]{}#&*!|>'\"%@` ")) badFirst[c] = true;
    for (int c = 0; c < 0x20; ++c) any[c] = Bad, badFirst[c] = true;
    any[0x7f] = Bad, badFirst[0x7f] = true;
    any[(unsigned char)':'] = any[(unsigned char)'#'] = Contextual;
    return std::make_pair(badFirst, any);
  }();
  if (s.empty() || tables.first[(unsigned char)s.front()]) return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    uint8_t k = tables.second[(unsigned char)s[i]];
    if (k == Ordinary) continue;
    if (k == Bad) return false;
    if (s[i] == ':' && i + 1 < s.size() && s[i + 1] == ' ') return false;
    if (s[i] == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  return !looksLikeNonString(s);
}

void writeYaml(const Node &doc, std::string &out) { writeNode(doc, 0, out); }

} // namespace rig::emit
