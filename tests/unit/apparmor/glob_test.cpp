// The AppArmor glob automata: the parser's matching rules, syntax errors,
// and exact inclusion/intersection answers, checked against Z3's regular
// expression solver as an independent oracle (a second, separately written
// translation of the globs, as in solver-notes.md).
#include "compiler/apparmor/glob.h"
#include "compiler/verify/solver.h"

#include <random>

#include <gtest/gtest.h>

using namespace rig;
using namespace rig::apparmor;

namespace {

bool m(const char *glob, const char *path) { return matches(compileGlob(glob), path); }

// ---- the oracle: glob -> Z3 regex over printable ASCII, following the
// parser's regexes (apparmor-z3.md A.7 / B3), written without the automaton
// code.
class Oracle {
public:
  Oracle() : s_(opts()) {
    std::vector<verify::Solver::Term> noSlash = {s_.reRange(' ', '.'), s_.reRange('0', '~')};
    notSlash_ = s_.reUnion(noSlash);
    any_ = s_.reRange(' ', '~');
    // A canonical component: not `.` or `..`.
    auto notSlashDot = s_.reUnion({s_.reRange(' ', '-'), s_.reRange('0', '~')});
    auto comp = s_.reUnion({s_.reConcat({notSlashDot, s_.reStar(notSlash_)}),
                            s_.reConcat({s_.reLiteral("."), notSlashDot, s_.reStar(notSlash_)}),
                            s_.reConcat({s_.reLiteral(".."), notSlash_, s_.reStar(notSlash_)})});
    auto slashComp = s_.reConcat({s_.reLiteral("/"), comp});
    canonical_ = s_.reUnion({s_.reLiteral("/"), s_.reConcat({slashComp, s_.reStar(slashComp), s_.reUnion({s_.reLiteral("/"), s_.reLiteral("")})})});
  }
  static verify::VerifyOptions opts() {
    verify::VerifyOptions o;
    o.rlimit = 20'000'000;
    o.timeoutMs = 20000;
    return o;
  }

  verify::Solver::Term re(const std::string &g) {
    size_t i = 0;
    return seq(g, i, 0);
  }

  // Is there a canonical path in every `all` and in no `none`?
  verify::SolverResult exists(const std::vector<std::string> &all, const std::vector<std::string> &none, std::string *witness = nullptr) {
    std::vector<verify::Solver::Term> parts = {canonical_};
    for (const std::string &g : all) parts.push_back(re(g));
    if (!none.empty()) {
      std::vector<verify::Solver::Term> ns;
      for (const std::string &g : none) ns.push_back(re(g));
      parts.push_back(s_.reComplement(s_.reUnion(ns)));
    }
    s_.push();
    auto x = s_.stringVar("x");
    s_.add(s_.inRe(x, s_.reIntersect(parts)));
    verify::SolverResult r = s_.check();
    if (r == verify::SolverResult::Sat && witness) *witness = s_.stringValue(x);
    s_.pop();
    return r;
  }

private:
  verify::Solver::Term seq(const std::string &g, size_t &i, int depth) {
    std::vector<verify::Solver::Term> out;
    bool afterSlash = false;
    while (i < g.size()) {
      char c = g[i];
      if (depth > 0 && (c == ',' || c == '}')) break;
      if (c == '{') {
        ++i;
        std::vector<verify::Solver::Term> alts;
        while (true) {
          alts.push_back(seq(g, i, depth + 1));
          if (g[i++] == '}') break;
        }
        out.push_back(s_.reUnion(alts));
        afterSlash = false;
      } else if (c == '*') {
        size_t n = 0;
        while (i < g.size() && g[i] == '*') ++n, ++i;
        if (depth == 0 && afterSlash && (i == g.size() || g[i] == '/')) out.push_back(notSlash_);
        out.push_back(s_.reStar(n >= 2 ? any_ : notSlash_));
        afterSlash = false;
      } else if (c == '?') {
        ++i;
        out.push_back(notSlash_);
        afterSlash = false;
      } else if (c == '[') {
        ++i;
        bool neg = g[i] == '^';
        if (neg) ++i;
        std::vector<verify::Solver::Term> members;
        while (g[i] != ']') {
          char lo = g[i++], hi = lo;
          if (g[i] == '-' && g[i + 1] != ']') hi = g[i + 1], i += 2;
          members.push_back(s_.reRange(lo, hi));
        }
        ++i;
        auto cls = s_.reUnion(members);
        out.push_back(neg ? s_.reIntersect({any_, s_.reComplement(cls)}) : cls);
        afterSlash = false;
      } else {
        if (c == '\\') c = g[++i];
        ++i;
        if (c == '/' && afterSlash && depth == 0) continue;
        out.push_back(s_.reLiteral(std::string(1, c)));
        afterSlash = c == '/';
      }
    }
    return s_.reConcat(out);
  }

  verify::Solver s_;
  verify::Solver::Term notSlash_, any_, canonical_;
};

bool canonicalPath(const std::string &p) {
  if (p.empty() || p[0] != '/' || p.find("//") != std::string::npos) return false;
  size_t start = 1;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string c = p.substr(start, end - start);
    if (c == "." || c == "..") return false;
    start = end + 1;
  }
  return true;
}

Verdict shadowVerdict(const std::string &allow, const std::vector<std::string> &denies, std::string *witness = nullptr) {
  Nfa a = compileGlob(allow);
  std::vector<Nfa> ds;
  for (const std::string &d : denies) ds.push_back(compileGlob(d));
  Nfa u = unionOf(ds);
  Answer ans = findPath({&a}, &u);
  if (ans.verdict == Verdict::Found) {
    EXPECT_TRUE(matches(a, ans.witness)) << ans.witness;
    EXPECT_FALSE(matches(u, ans.witness)) << ans.witness;
    EXPECT_TRUE(canonicalPath(ans.witness)) << ans.witness;
    if (witness) *witness = ans.witness;
  }
  return ans.verdict;
}

} // namespace

TEST(AppArmorGlob, MatchesLikeTheParser) {
  EXPECT_TRUE(m("/a/*", "/a/b"));
  EXPECT_FALSE(m("/a/*", "/a/"));       // a whole-component star matches at least one byte
  EXPECT_FALSE(m("/a/*", "/a/b/c"));
  EXPECT_TRUE(m("/a/**", "/a/b/c"));
  EXPECT_FALSE(m("/a/**", "/a/"));
  EXPECT_FALSE(m("/a/**/c", "/a/c"));   // unlike shell globstar
  EXPECT_TRUE(m("/a/**/c", "/a/b/x/c"));
  EXPECT_TRUE(m("/a/*.conf", "/a/.conf"));
  EXPECT_TRUE(m("/a/{*,x}", "/a/"));    // inside braces a star may be empty
  EXPECT_TRUE(m("/a/{b,c{d,e}}/f", "/a/ce/f"));
  EXPECT_TRUE(m("/a/{b,}", "/a/"));
  EXPECT_TRUE(m("//a//b", "/a/b"));
  EXPECT_TRUE(m("/a/[^b]", "/a//"));    // a negated class matches `/`
  EXPECT_TRUE(m("/a/[a-c]x", "/a/bx"));
  EXPECT_FALSE(m("/a/[a-c]x", "/a/dx"));
  EXPECT_TRUE(m("/a/\\*", "/a/*"));
  EXPECT_FALSE(m("/a/\\*", "/a/b"));
  EXPECT_TRUE(m("/a/?", "/a/b"));
  EXPECT_FALSE(m("/a/?", "/a//"));
  EXPECT_TRUE(m("/a/***", "/a/b/c"));
}

TEST(AppArmorGlob, SyntaxErrors) {
  EXPECT_FALSE(checkGlob("/a/{b,c}/[a-z]*"));
  EXPECT_FALSE(checkGlob("/a/{b,}"));
  EXPECT_FALSE(checkGlob("@{HOME}/x"));
  EXPECT_FALSE(checkGlob("/a/[-a]"));
  for (const char *bad : {"/a/{b,c", "/a/b}", "/a/[bc", "/a/[[:alpha:]]", "/a/{b}", "/a/[]", "/a/\\", "/a/{b,{c}}", "/a/[a-]"})
    EXPECT_TRUE(checkGlob(bad)) << bad;
  EXPECT_EQ(checkGlob("/etc/{a,b")->offset, 5u);
}

TEST(AppArmorGlob, Variables) {
  std::vector<std::string> run = {"/run/", "/var/run/"};
  std::vector<std::string> one = {"/srv"};
  VariableLookup lookup = [&](std::string_view n) -> const std::vector<std::string> * {
    return n == "run" ? &run : n == "one" ? &one : nullptr;
  };
  EXPECT_EQ(expandVariables("@{run}/x", lookup), "{/run,/var/run}/x");
  EXPECT_EQ(expandVariables("@{one}/**", lookup), "/srv/**");
  EXPECT_EQ(expandVariables("@{nope}/x", lookup), "@{nope}/x");
  auto refs = variableReferences("@{a}/b/@{c}");
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[1].first, "c");
  EXPECT_EQ(refs[1].second, 7u);
}

TEST(AppArmorGlob, HasWildcard) {
  EXPECT_FALSE(hasWildcard("/usr/bin/{foo,bar}"));
  EXPECT_FALSE(hasWildcard("/a/\\*"));
  EXPECT_TRUE(hasWildcard("/a/[f]oo"));
  EXPECT_TRUE(hasWildcard("/a/f?o"));
}

// The shadowing cases measured in solver-notes.md / apparmor-z3.md B3, with
// their verdicts; Z3 must agree on each.
struct ShadowCase {
  const char *allow;
  std::vector<std::string> denies;
  bool shadowed;
};
const ShadowCase kShadowCases[] = {
    {"/etc/nginx/**", {"/etc/**"}, true},
    {"/usr/lib/**", {"/usr/**"}, true},
    {"/usr/sbin/nginx", {"/usr/sbin/*"}, true},
    {"/proc/[0-9]*/status", {"/proc/*/status"}, true},
    {"/var/cache/nginx/**", {"/var/cache/nginx/*/"}, false},
    {"/a/**/c", {"/a/*/c"}, false},
    {"/a/*.log", {"/a/{x,y}*.log"}, false},
    {"/tmp/**", {"/tmp/*", "/tmp/*/**"}, false},
    {"/tmp/**", {"/tmp/*", "/tmp/*/", "/tmp/*/**"}, true},
    {"/home/*/.ssh/**", {"/home/[a-m]*/**", "/home/[^a-m]*/.ssh/*", "/home/[^a-m]*/.ssh/*/**"}, false},
    {"/home/*/.ssh/**", {"/home/[a-m]*/**", "/home/[^a-m]*/.ssh/**"}, true},
    {"/srv/{www,data}/**", {"/srv/www/**", "/srv/dat?/**"}, true},
    {"/srv/{www,data}/**", {"/srv/www/**", "/srv/dat/**"}, false},
};

TEST(AppArmorGlob, ShadowingIsExactAndAgreesWithZ3) {
  Oracle z3;
  for (const ShadowCase &c : kShadowCases) {
    std::string witness;
    Verdict v = shadowVerdict(c.allow, c.denies, &witness);
    EXPECT_EQ(v, c.shadowed ? Verdict::None : Verdict::Found) << c.allow;
    verify::SolverResult r = z3.exists({c.allow}, c.denies);
    if (r == verify::SolverResult::Sat || r == verify::SolverResult::Unsat) {
      EXPECT_EQ(r == verify::SolverResult::Unsat, c.shadowed) << c.allow << " (z3)";
    }
    // The automaton's witness is a path Z3 accepts too.
    if (v == Verdict::Found) {
      EXPECT_EQ(z3.exists({c.allow, escapeGlob(witness)}, c.denies), verify::SolverResult::Sat) << witness;
    }
  }
}

TEST(AppArmorGlob, OverlapsAgreeWithZ3) {
  struct Case {
    const char *a, *b;
    bool overlap;
  } cases[] = {
      {"/usr/bin/f*", "/usr/bin/*o", true},
      {"/usr/bin/**", "/usr/bin/*", true},
      {"/usr/bin/{foo,bar}", "/usr/bin/foo", true},
      {"/usr/bin/py*", "/usr/sbin/*", false},
      {"/opt/*/bin/*", "/opt/app/*/run", true},
      {"/a/**/c", "/a/c", false},
      {"/a/[^/]*", "/a/b/c", false},
      {"/a[^x]b", "/a/b", true}, // a negated class matches `/`
  };
  Oracle z3;
  for (const Case &c : cases) {
    Nfa a = compileGlob(c.a), b = compileGlob(c.b);
    Answer ans = findPath({&a, &b});
    EXPECT_EQ(ans.verdict == Verdict::Found, c.overlap) << c.a << " & " << c.b;
    if (ans.verdict == Verdict::Found) {
      EXPECT_TRUE(matches(a, ans.witness) && matches(b, ans.witness)) << ans.witness;
    }
    verify::SolverResult r = z3.exists({c.a, c.b}, {});
    if (r == verify::SolverResult::Sat || r == verify::SolverResult::Unsat) {
      EXPECT_EQ(r == verify::SolverResult::Sat, c.overlap) << c.a << " & " << c.b << " (z3)";
    }
  }
}

// Random globs over a small alphabet: the automaton and Z3 must give the
// same verdicts (Z3 answers that hit its bound are skipped, and counted).
TEST(AppArmorGlob, RandomGlobsAgreeWithZ3) {
  std::mt19937 rng(20261128);
  const char *pieces[] = {"a", "b", "*", "**", "?", "[ab]", "[^a]", "{a,b}", "{a,}", ".", "/"};
  auto glob = [&]() {
    std::string g = "/";
    int n = 1 + int(rng() % 5);
    for (int i = 0; i < n; ++i) g += pieces[rng() % (sizeof(pieces) / sizeof(*pieces))];
    return g;
  };
  Oracle z3;
  int compared = 0, skipped = 0;
  for (int k = 0; k < 24; ++k) {
    std::string a = glob(), b = glob(), c = glob();
    if (checkGlob(a) || checkGlob(b) || checkGlob(c)) continue;
    Nfa na = compileGlob(a), nb = compileGlob(b), nc = compileGlob(c);
    Nfa deny = unionOf({nb, nc});
    Answer ov = findPath({&na, &nb});
    Answer sh = findPath({&na}, &deny);
    verify::SolverResult rov = z3.exists({a, b}, {});
    verify::SolverResult rsh = z3.exists({a}, {b, c});
    for (auto [ans, r] : {std::make_pair(ov, rov), std::make_pair(sh, rsh)}) {
      if (r != verify::SolverResult::Sat && r != verify::SolverResult::Unsat) {
        ++skipped;
        continue;
      }
      ++compared;
      EXPECT_EQ(ans.verdict == Verdict::Found, r == verify::SolverResult::Sat) << a << " / " << b << " / " << c;
    }
  }
  EXPECT_GT(compared, 30) << skipped << " skipped";
}

TEST(AppArmorGlob, WitnessIsShortestAndReadable) {
  Nfa a = compileGlob("/var/cache/nginx/**");
  Nfa d = compileGlob("/var/cache/nginx/*/");
  Answer ans = findPath({&a}, &d);
  ASSERT_EQ(ans.verdict, Verdict::Found);
  EXPECT_EQ(ans.witness, "/var/cache/nginx/a");
}

TEST(AppArmorGlob, BlowUpHitsTheLimit) {
  Nfa a = compileGlob("/**a????????????????");
  Nfa d = compileGlob("/x/**");
  Answer ans = findPath({&a}, &d, 2000);
  EXPECT_EQ(ans.verdict, Verdict::Limit);
  EXPECT_LE(ans.states, 2000u);
}
