// The pieces of YAML text that the tree writer (writeYaml) and the
// streaming writer (YamlStream) share, so that both print every key, scalar
// and nested value the same way, byte for byte. Internal to emit/k8s.
#pragma once

#include <cstdint>
#include <string>

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
