// The pieces of YAML text that the tree writer (writeYaml) and the
// streaming writer (YamlStream) share, so that both print every key, scalar
// and nested value the same way, byte for byte. Internal to emit/k8s.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "compiler/emit/k8s/document.h"
#include "llvm/ADT/StringRef.h"

namespace rig::emit {

// A run of spaces that indentation is copied from (not a fill loop).
inline constexpr char kYamlSpaces[] = "                                                                "; // 64
inline constexpr int kYamlSpacesLength = sizeof kYamlSpaces - 1;
// `n` spaces.
void writeYamlIndent(int n, std::string &out);
// A decimal integer (what std::to_string prints, without its allocation).
void writeYamlInt(int64_t v, std::string &out);
// The same digits, written at the end of `buf`; returns where they begin.
char *formatYamlInt(int64_t v, char (&buf)[24]);
// Nearly every key is a Kubernetes field name or a short word (`app`,
// `cpu`): a lower-case letter, then letters and digits. Such a key is plain
// unless it is one of YAML 1.1's words that start with a lower-case letter
// (`y`, `no`, `on`, `false`, …; all at most five long): it holds no
// indicator, and starting with a letter it never reads as a number. This
// shorter test saves most of the writer's scanning at run time, and is the
// one Key applies to literal keys when rig is compiled (yaml_stream.h).
constexpr bool isPlainFieldName(std::string_view key) {
  if (key.empty() || !(key[0] >= 'a' && key[0] <= 'z')) return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  switch (key.size()) {
  case 1: return key != "y" && key != "n";
  case 2: return key != "no" && key != "on";
  case 3: return key != "yes" && key != "off";
  case 4: return key != "true" && key != "null";
  case 5: return key != "false";
  default: return true;
  }
}
// A map key: plain when YAML reads it back as the same string, else quoted.
void writeYamlKey(llvm::StringRef key, std::string &out);
// Whether writeYamlKey writes `key` as it is.
bool isPlainYamlKey(llvm::StringRef key);
// A string value after `key: ` or `- `, with its line end: a literal block
// (lines at `blockIndent`) for multi-line text that one reproduces, else a
// plain or double-quoted scalar.
void writeYamlString(llvm::StringRef s, int blockIndent, std::string &out);
// What follows a map key written at `indent`: `: scalar`, or `:` and the
// nested map (at indent + 2) or sequence (at indent).
void writeYamlEntryValue(const Node &v, int indent, std::string &out);
// What follows the `- ` of a sequence item written at `indent`.
void writeYamlItemValue(const Node &item, int indent, std::string &out);

} // namespace rig::emit
