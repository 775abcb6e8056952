#include "compiler/apparmor/glob.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace rig::apparmor {
namespace {

ByteSet allBytes() {
  ByteSet s;
  s.set();
  s.reset(0); // paths never hold NUL
  return s;
}

ByteSet notSlash() {
  ByteSet s = allBytes();
  s.reset('/');
  return s;
}

ByteSet one(unsigned char c) {
  ByteSet s;
  s.set(c);
  return s;
}

// Builds the NFA by recursive descent over the glob: a sequence is items
// up to `,` or `}` (inside braces) or the end.
class GlobCompiler {
public:
  explicit GlobCompiler(std::string_view g) : g_(g) {}

  Nfa run() {
    auto [s, e] = sequence(0);
    n_.start = s;
    n_.accept = e;
    return std::move(n_);
  }

private:
  int state() {
    n_.states.emplace_back();
    return int(n_.states.size()) - 1;
  }
  void edge(int a, const ByteSet &on, int b) { n_.states[a].edges.push_back({on, b}); }
  void eps(int a, int b) { n_.states[a].eps.push_back(b); }

  // Appends a transition on `on` after `cur`; returns the new end.
  int step(int cur, const ByteSet &on) {
    int x = state();
    edge(cur, on, x);
    return x;
  }
  // Appends `on`*; returns the new end.
  int loop(int cur, const ByteSet &on) {
    int x = state();
    eps(cur, x);
    edge(x, on, x);
    return x;
  }

  std::pair<int, int> sequence(int depth) {
    int start = state();
    int cur = start;
    bool afterSlash = false;
    while (i_ < g_.size()) {
      char c = g_[i_];
      if (depth > 0 && (c == ',' || c == '}')) break;
      if (c == '{') {
        ++i_;
        int s = state(), e = state();
        while (true) {
          auto [a, b] = sequence(depth + 1);
          eps(s, a);
          eps(b, e);
          if (i_ < g_.size() && g_[i_] == ',') {
            ++i_;
            continue;
          }
          if (i_ < g_.size()) ++i_; // `}`
          break;
        }
        eps(cur, s);
        cur = e;
        afterSlash = false;
        continue;
      }
      if (c == '*') {
        size_t run = 0;
        while (i_ < g_.size() && g_[i_] == '*') ++run, ++i_;
        bool wholeComponent = depth == 0 && afterSlash && (i_ == g_.size() || g_[i_] == '/');
        // A whole-component star matches at least one byte, and that byte is
        // never `/` (the parser's `[^/\x00][^\x00]*` for `/**`).
        if (wholeComponent) cur = step(cur, notSlash());
        cur = loop(cur, run >= 2 ? allBytes() : notSlash());
        afterSlash = false;
        continue;
      }
      if (c == '?') {
        ++i_;
        cur = step(cur, notSlash());
        afterSlash = false;
        continue;
      }
      if (c == '[') {
        ++i_;
        cur = step(cur, charClass());
        afterSlash = false;
        continue;
      }
      if (c == '\\' && i_ + 1 < g_.size()) {
        cur = step(cur, one((unsigned char)g_[i_ + 1]));
        i_ += 2;
        afterSlash = g_[i_ - 1] == '/';
        continue;
      }
      ++i_;
      if (c == '/' && afterSlash && depth == 0) continue; // `//` is `/`
      cur = step(cur, one((unsigned char)c));
      afterSlash = c == '/';
    }
    return {start, cur};
  }

  ByteSet charClass() {
    ByteSet s;
    bool negate = false;
    if (i_ < g_.size() && g_[i_] == '^') negate = true, ++i_;
    while (i_ < g_.size() && g_[i_] != ']') {
      unsigned char lo = (unsigned char)g_[i_];
      if (lo == '\\' && i_ + 1 < g_.size()) lo = (unsigned char)g_[++i_];
      ++i_;
      unsigned char hi = lo;
      if (i_ + 1 < g_.size() && g_[i_] == '-' && g_[i_ + 1] != ']') {
        hi = (unsigned char)g_[i_ + 1];
        if (hi == '\\' && i_ + 2 < g_.size()) hi = (unsigned char)g_[++i_ + 1];
        i_ += 2;
      }
      for (unsigned v = lo; v <= hi; ++v) s.set(v);
    }
    if (i_ < g_.size()) ++i_; // `]`
    if (negate) s = ~s; // a negated class matches `/` too, as in the parser
    s.reset(0);
    return s;
  }

  std::string_view g_;
  size_t i_ = 0;
  Nfa n_;
};

// Canonical absolute paths: `/`, components separated by one `/`, none of
// them `.` or `..`, an optional trailing `/` (directories).
enum CState { kDead = -1, kStart = 0, kAfterSlash = 1, kDot = 2, kDotDot = 3, kName = 4 };
int canonicalStep(int s, unsigned char c) {
  switch (s) {
  case kStart: return c == '/' ? kAfterSlash : kDead;
  case kAfterSlash: return c == '/' ? kDead : c == '.' ? kDot : kName;
  case kDot: return c == '/' ? kDead : c == '.' ? kDotDot : kName;
  case kDotDot: return c == '/' ? kDead : kName;
  case kName: return c == '/' ? kAfterSlash : kName;
  default: return kDead;
  }
}
bool canonicalAccepts(int s) { return s == kAfterSlash || s == kName; }

// Bytes in the order witnesses prefer them: readable first.
const std::vector<unsigned char> &preferredOrder() {
  static const std::vector<unsigned char> order = [] {
    std::vector<unsigned char> o;
    std::string first = "abcdefghijklmnopqrstuvwxyz0123456789/._-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::vector<bool> seen(256);
    for (char c : first) o.push_back((unsigned char)c), seen[(unsigned char)c] = true;
    for (unsigned c = 0x20; c < 0x7f; ++c)
      if (!seen[c]) o.push_back((unsigned char)c), seen[c] = true;
    for (unsigned c = 1; c < 256; ++c)
      if (!seen[c]) o.push_back((unsigned char)c);
    return o;
  }();
  return order;
}

using StateSet = std::vector<int>;

StateSet closure(const Nfa &n, StateSet s) {
  std::vector<bool> in(n.states.size());
  std::vector<int> work;
  for (int x : s) in[x] = true, work.push_back(x);
  while (!work.empty()) {
    int x = work.back();
    work.pop_back();
    for (int y : n.states[x].eps)
      if (!in[y]) in[y] = true, s.push_back(y), work.push_back(y);
  }
  std::sort(s.begin(), s.end());
  return s;
}

StateSet move(const Nfa &n, const StateSet &s, unsigned char c) {
  StateSet out;
  for (int x : s)
    for (const Nfa::Edge &e : n.states[x].edges)
      if (e.on.test(c)) out.push_back(e.to);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return closure(n, std::move(out));
}

bool accepts(const Nfa &n, const StateSet &s) { return std::binary_search(s.begin(), s.end(), n.accept); }

// Representatives of the byte classes no automaton distinguishes, in
// preferred order: exploring one byte per class is exact and much cheaper.
std::vector<unsigned char> byteClasses(const std::vector<const Nfa *> &nfas) {
  std::vector<int> cls(256, 0);
  std::set<std::string> seen;
  auto refine = [&](const ByteSet &set) {
    if (!seen.insert(set.to_string()).second) return;
    std::map<std::pair<int, bool>, int> ids;
    for (unsigned c = 0; c < 256; ++c) {
      auto key = std::make_pair(cls[c], set.test(c));
      auto it = ids.emplace(key, int(ids.size())).first;
      cls[c] = it->second;
    }
  };
  refine(one('/'));
  refine(one('.'));
  for (const Nfa *n : nfas)
    for (const Nfa::State &s : n->states)
      for (const Nfa::Edge &e : s.edges) refine(e.on);
  std::vector<unsigned char> reps;
  std::set<int> taken;
  for (unsigned char c : preferredOrder())
    if (taken.insert(cls[c]).second) reps.push_back(c);
  return reps;
}

} // namespace

std::optional<GlobError> checkGlob(std::string_view g) {
  std::vector<size_t> braces;
  std::vector<int> commas; // per open brace
  for (size_t i = 0; i < g.size(); ++i) {
    char c = g[i];
    if (c == '\0') return GlobError{i, "a path cannot contain a NUL byte"};
    if (c == '\\') {
      if (i + 1 == g.size()) return GlobError{i, "a trailing `\\` escapes nothing"};
      ++i;
      continue;
    }
    if (c == '@' && i + 1 < g.size() && g[i + 1] == '{') {
      size_t close = g.find('}', i);
      if (close == std::string_view::npos) return GlobError{i, "unclosed variable reference `@{`"};
      i = close;
      continue;
    }
    if (c == '{') braces.push_back(i), commas.push_back(0);
    else if (c == ',' && !braces.empty()) ++commas.back();
    else if (c == '}') {
      if (braces.empty()) return GlobError{i, "unbalanced `}` with no `{` before it"};
      // apparmor_parser: "Invalid number of items between {}".
      if (commas.back() == 0) return GlobError{braces.back(), "an alternation `{…}` needs at least two items separated by `,`"};
      braces.pop_back();
      commas.pop_back();
    } else if (c == '[') {
      size_t j = i + 1;
      if (j < g.size() && g[j] == '^') ++j;
      if (j < g.size() && g[j] == ':') return GlobError{i, "POSIX character classes such as `[[:alpha:]]` are not supported"};
      if (j < g.size() && g[j] == '[' && j + 1 < g.size() && g[j + 1] == ':')
        return GlobError{i, "POSIX character classes such as `[[:alpha:]]` are not supported"};
      if (j < g.size() && g[j] == ']') return GlobError{i, "an empty character class `[]`"};
      bool closed = false;
      size_t first = j;
      for (; j < g.size(); ++j) {
        if (g[j] == '\\') {
          ++j;
          continue;
        }
        if (g[j] == ']') {
          closed = true;
          break;
        }
        // apparmor_parser rejects `[a-]`; a leading `-` is literal.
        if (g[j] == '-' && j > first && j + 1 < g.size() && g[j + 1] == ']')
          return GlobError{j, "a range in `[…]` needs an end (write `\\-` for a literal `-`)"};
      }
      if (!closed) return GlobError{i, "unclosed character class `[`"};
      i = j;
    }
  }
  if (!braces.empty()) return GlobError{braces.back(), "unbalanced `{`: the alternation is never closed with `}`"};
  return std::nullopt;
}

Nfa compileGlob(std::string_view glob) { return GlobCompiler(glob).run(); }

std::string escapeGlob(std::string_view literal) {
  std::string out;
  for (char c : literal) {
    if (std::string_view("*?[]{}\\,").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

bool hasWildcard(std::string_view glob) {
  for (size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '\\') {
      ++i;
      continue;
    }
    if (glob[i] == '*' || glob[i] == '?' || glob[i] == '[') return true;
  }
  return false;
}

Nfa unionOf(const std::vector<Nfa> &parts) {
  Nfa u;
  u.states.emplace_back(); // start
  u.states.emplace_back(); // accept
  u.start = 0;
  u.accept = 1;
  for (const Nfa &p : parts) {
    int base = int(u.states.size());
    for (const Nfa::State &s : p.states) {
      Nfa::State c;
      for (const Nfa::Edge &e : s.edges) c.edges.push_back({e.on, e.to + base});
      for (int x : s.eps) c.eps.push_back(x + base);
      u.states.push_back(std::move(c));
    }
    u.states[0].eps.push_back(p.start + base);
    u.states[p.accept + base].eps.push_back(1);
  }
  return u;
}

bool matches(const Nfa &nfa, std::string_view path) {
  StateSet s = closure(nfa, {nfa.start});
  for (char c : path) {
    s = move(nfa, s, (unsigned char)c);
    if (s.empty()) return false;
  }
  return accepts(nfa, s);
}

Answer findPath(const std::vector<const Nfa *> &all, const Nfa *none, size_t stateLimit) {
  Answer answer;
  std::vector<const Nfa *> nfas = all;
  if (none) nfas.push_back(none);
  std::vector<unsigned char> bytes = byteClasses(nfas);

  // Subsets are interned per automaton; a product state is their ids plus
  // the canonical-path state.
  std::vector<std::map<StateSet, int>> interned(nfas.size());
  std::vector<std::vector<StateSet>> sets(nfas.size());
  auto intern = [&](size_t k, StateSet s) {
    auto it = interned[k].find(s);
    if (it != interned[k].end()) return it->second;
    int id = int(sets[k].size());
    interned[k].emplace(s, id);
    sets[k].push_back(std::move(s));
    return id;
  };
  struct Node {
    std::vector<int> key; // per automaton subset id, then canonical state
    size_t parent;
    unsigned char byte;
  };
  std::vector<Node> nodes;
  std::map<std::vector<int>, size_t> visited;
  std::vector<int> key;
  for (size_t k = 0; k < nfas.size(); ++k) key.push_back(intern(k, closure(*nfas[k], {nfas[k]->start})));
  key.push_back(kStart);
  nodes.push_back({key, SIZE_MAX, 0});
  visited.emplace(key, 0);
  std::deque<size_t> queue{0};
  auto accepting = [&](const std::vector<int> &k) {
    if (!canonicalAccepts(k.back())) return false;
    for (size_t i = 0; i < all.size(); ++i)
      if (!accepts(*nfas[i], sets[i][k[i]])) return false;
    return !none || !accepts(*none, sets[all.size()][k[all.size()]]);
  };
  while (!queue.empty()) {
    size_t cur = queue.front();
    queue.pop_front();
    if (accepting(nodes[cur].key)) {
      std::string w;
      for (size_t x = cur; nodes[x].parent != SIZE_MAX; x = nodes[x].parent) w += char(nodes[x].byte);
      std::reverse(w.begin(), w.end());
      answer.verdict = Verdict::Found;
      answer.witness = std::move(w);
      answer.states = nodes.size();
      return answer;
    }
    for (unsigned char c : bytes) {
      const std::vector<int> from = nodes[cur].key;
      int cs = canonicalStep(from.back(), c);
      if (cs == kDead) continue;
      std::vector<int> next(from.size());
      bool dead = false;
      for (size_t k = 0; k < nfas.size() && !dead; ++k) {
        StateSet s = move(*nfas[k], sets[k][from[k]], c);
        if (k < all.size() && s.empty()) dead = true; // no path through here
        else next[k] = intern(k, std::move(s));
      }
      if (dead) continue;
      next.back() = cs;
      if (visited.count(next)) continue;
      if (nodes.size() >= stateLimit) {
        answer.verdict = Verdict::Limit;
        answer.states = nodes.size();
        return answer;
      }
      visited.emplace(next, nodes.size());
      nodes.push_back({next, cur, c});
      queue.push_back(nodes.size() - 1);
    }
  }
  answer.verdict = Verdict::None;
  answer.states = nodes.size();
  return answer;
}

} // namespace rig::apparmor

namespace rig::apparmor {

std::vector<std::pair<std::string, size_t>> variableReferences(std::string_view g) {
  std::vector<std::pair<std::string, size_t>> out;
  for (size_t i = 0; i + 1 < g.size(); ++i) {
    if (g[i] == '\\') {
      ++i;
      continue;
    }
    if (g[i] == '@' && g[i + 1] == '{') {
      size_t close = g.find('}', i);
      if (close == std::string_view::npos) break;
      out.emplace_back(std::string(g.substr(i + 2, close - i - 2)), i);
      i = close;
    }
  }
  return out;
}

std::string expandVariables(std::string_view g, const VariableLookup &lookup, int depth) {
  std::string out;
  for (size_t i = 0; i < g.size(); ++i) {
    if (g[i] == '\\' && i + 1 < g.size()) {
      out += g.substr(i, 2);
      ++i;
      continue;
    }
    if (g[i] == '@' && i + 1 < g.size() && g[i + 1] == '{') {
      size_t close = g.find('}', i);
      const std::vector<std::string> *values =
          close == std::string_view::npos || depth > 8 ? nullptr : lookup(g.substr(i + 2, close - i - 2));
      if (!values) {
        out += g[i];
        continue;
      }
      bool slashNext = close + 1 < g.size() && g[close + 1] == '/';
      std::vector<std::string> parts;
      for (const std::string &v : *values) {
        std::string e = expandVariables(v, lookup, depth + 1);
        if (slashNext && !e.empty() && e.back() == '/') e.pop_back();
        parts.push_back(std::move(e));
      }
      if (parts.size() == 1) out += parts[0];
      else {
        out += '{';
        for (size_t k = 0; k < parts.size(); ++k) out += (k ? "," : "") + parts[k];
        out += '}';
      }
      i = close;
      continue;
    }
    out += g[i];
  }
  return out;
}

} // namespace rig::apparmor
