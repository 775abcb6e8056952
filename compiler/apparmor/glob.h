// AppArmor path globs as automata, and exact questions over them.
//
// A glob compiles to an NFA over bytes with the meaning apparmor_parser gives
// it (`*` = any run without `/`, `**` = any run, `?` = one non-`/` byte,
// `[...]`/`[^...]` classes, nested `{a,b,}` alternation, `\x` literal; a `*`
// or `**` forming a whole path component matches at least one byte, and `//`
// is one `/`). Questions are answered by exploring the product of the
// subset-constructed automata with a DFA of canonical absolute paths
// (no `//`, `.` or `..` component), breadth first, so the witness is a
// shortest path and, among those, the first in a fixed readable byte order.
// This is what the parser itself does with globs (DFA, product, emptiness),
// so the answers are exact; every exploration is bounded by a state limit
// and says when it hit it.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rig::apparmor {

using ByteSet = std::bitset<256>;

struct Nfa {
  struct Edge {
    ByteSet on;
    int to;
  };
  struct State {
    std::vector<Edge> edges;
    std::vector<int> eps;
  };
  std::vector<State> states;
  int start = 0;
  int accept = 0; // one accepting state
};

struct GlobError {
  size_t offset = 0; // byte offset in the glob
  std::string message;
};

// Checks the glob's syntax: balanced `{}` and `[]`, no POSIX classes, no
// trailing `\`. Does not require the path to be absolute.
std::optional<GlobError> checkGlob(std::string_view glob);

// Compiles a syntactically valid glob (checkGlob returned nothing).
Nfa compileGlob(std::string_view glob);
// A glob's literal text with its special bytes escaped.
std::string escapeGlob(std::string_view literal);
// True when the glob has `*`, `?` or `[`. apparmor_parser gives rules
// without one (plain paths, alternations and escapes included) priority
// over wildcard rules for exec modes: only two wildcard rules, or two
// wildcard-free rules, conflict where they overlap. Ask on the expanded glob.
bool hasWildcard(std::string_view glob);
// The union of several automata.
Nfa unionOf(const std::vector<Nfa> &parts);

enum class Verdict { Found, None, Limit };
struct Answer {
  Verdict verdict = Verdict::None;
  std::string witness; // Found: a shortest canonical path
  size_t states = 0;   // product states explored
};

constexpr size_t kDefaultStateLimit = 100000;

// Is there a canonical absolute path that every automaton in `all` accepts
// and `none` (if given) does not?
Answer findPath(const std::vector<const Nfa *> &all, const Nfa *none = nullptr, size_t stateLimit = kDefaultStateLimit);

// Does the automaton accept `path`? (Plain simulation, for tests and for
// literal paths such as a container's command.)
bool matches(const Nfa &nfa, std::string_view path);

} // namespace rig::apparmor

#include <functional>

namespace rig::apparmor {

// Replaces every `@{NAME}` with its values as an alternation (`{v1,v2}`),
// recursively; `lookup` returns nullptr for an unknown name, which is left
// as written (the checker reports it first). A value's trailing `/` is
// dropped before a `/` so `@{PROC}/1` is `/proc/1`. Depth-bounded.
using VariableLookup = std::function<const std::vector<std::string> *(std::string_view)>;
std::string expandVariables(std::string_view glob, const VariableLookup &lookup, int depth = 0);

// The `@{NAME}` references in a glob, with their byte offsets.
std::vector<std::pair<std::string, size_t>> variableReferences(std::string_view glob);

} // namespace rig::apparmor
