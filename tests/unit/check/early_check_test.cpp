// Checking workloads while they are parsed (CompileOptions::dropCheckedSyntax,
// check/early_check.h): a build, its model and its diagnostics must be
// exactly those of the usual path, and every file that is more than plain
// must take the usual path.
#include "compiler/check/early_check.h"
#include "compiler/diagnostics/render.h"
#include "compiler/driver/driver.h"
#include "compiler/parse/parse.h"

#include <gtest/gtest.h>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <iterator>
#include <random>

using namespace rig;

namespace {

// A plain file of `n` workloads of every kind, about 260 bytes each (2,100
// make the 512 KiB two parse threads split, 3,200 enough for three), with
// a declared AppArmor profile, sidecars, resources, failure rules and,
// when `withErrors`, mistakes of several kinds (over the diagnostics limit).
std::string plainWorkloads(int n, bool withErrors) {
  std::string text = "apparmor web { allow read \"/srv/**\" }\n";
  const char *kinds[] = {"deployment", "statefulset", "daemonset", "job", "pod", "cronjob"};
  for (int i = 0; i < n; ++i) {
    std::string id = std::to_string(i), kind = kinds[i % 6];
    text += kind + " w_" + id + " {\n";
    if (kind == "cronjob") text += "  schedule = \"*/5 * * * *\"\n";
    if (kind == "job") text += "  backoff_limit = 3\n  on exit 137 in app => fail_job\n  on exit 1..10 in app => count\n";
    if (kind == "deployment") text += "  replicas = " + std::to_string(1 + i % 5) + "\n";
    text += "  sidecar proxy_" + id + " {\n    image = \"envoyproxy/envoy:v1." + id + "\"\n" +
            "    requests { cpu = " + std::to_string(10 + i % 90) + "m, memory = 64Mi }\n  }\n";
    text += "  container app {\n    image = \"registry.example.com/app:" + id + "\"\n    port = " +
            std::to_string(1024 + i % 60000) + "\n    apparmor = " + (i % 2 ? "web" : "localhost(\"k8s-strict\")") + "\n";
    if (withErrors && i % 7 == 3) text += "    imgae = \"x\"\n";
    if (withErrors && i % 11 == 5) text += "    limits { memory = 512MB }\n";
    text += "  }\n}\n";
    // A repeated name only the cross-object check finds.
    if (withErrors && i % 13 == 1) text += "deployment w_" + std::to_string(i - (i % 6 == 0 ? 0 : i % 6)) + " { container app { image = \"a:1\" } }\n";
  }
  return text;
}

struct Result {
  std::string diags, model, stream;
  bool bodiesDropped = false;
  size_t deploymentsWithoutBody = 0;
};

Result build(const std::vector<SourceInput> &inputs, bool drop, unsigned threads,
             std::optional<k8s::Version> target = k8s::Version{1, 31}) {
  CompileOptions opts;
  opts.dropCheckedSyntax = drop;
  opts.parse.fastThreads = threads;
  opts.checkThreads = threads;
  opts.emit.threads = threads;
  opts.streamOnly = true;
  opts.target = target;
  auto c = compile(inputs, opts);
  Result r;
  RenderOptions ro;
  r.diags = render(DiagnosticFormat::Json, c->sources, c->diags.all(), ro) + "\ndropped " +
            std::to_string(c->diags.dropped()) + "\nerrors " + std::to_string(c->diags.errorCount());
  r.model = model::dump(c->program);
  r.stream = c->outputs.stream();
  for (const ast::File &f : c->files)
    for (const ast::ItemPtr &it : f.items)
      if (auto *d = llvm::dyn_cast<ast::Declaration>(it.get()); d && d->keyword.name == "deployment" && !d->body) {
        r.bodiesDropped = true;
        ++r.deploymentsWithoutBody;
      }
  return r;
}

void expectSame(const Result &a, const Result &b, const std::string &what) {
  EXPECT_EQ(a.diags, b.diags) << what;
  EXPECT_EQ(a.model, b.model) << what;
  EXPECT_EQ(a.stream, b.stream) << what;
}

} // namespace

TEST(EarlyCheck, OnlyPlainTextIsAccepted) {
  SourceManager sm;
  CheckOptions open, fixed;
  fixed.target = k8s::Version{1, 31};
  EarlyWorkloadCheck withoutTarget(sm, open), withTarget(sm, fixed);
  for (const char *plain : {"deployment a { container c { image = \"x:1\" } }", "letter = 1 form = 2 iff = 3 imports",
                            "_let let_ for2 if_ template_s namespaces", ""}) {
    EXPECT_TRUE(withoutTarget.acceptsText(plain)) << plain;
    EXPECT_TRUE(withTarget.acceptsText(plain)) << plain;
  }
  // The words of expansion and of namespaces, anywhere, even in a string
  // or a comment (the scan does not lex; those files just take the usual
  // path).
  for (const char *more : {"let x = 1", "a for b", "x\nif y", "import \"std/x.rig\"", "template t() : pod {}",
                           "namespace shop", "image = \"for\"", "// if only", "a{let}", "9 let"}) {
    EXPECT_FALSE(withoutTarget.acceptsText(more)) << more;
    EXPECT_FALSE(withTarget.acceptsText(more)) << more;
  }
  // `target` matters only when the command line leaves the version open.
  EXPECT_FALSE(withoutTarget.acceptsText("target kubernetes \"1.30\""));
  EXPECT_TRUE(withTarget.acceptsText("target kubernetes \"1.30\""));
}

TEST(EarlyCheck, TheScanFindsTheWordsAnywhere) {
  // The scan looks 16 or 32 bytes at a time; on random texts it must agree
  // with the plainest reading: split into words, look each one up.
  auto reference = [](const std::string &text, bool targetFixed) {
    std::string word;
    auto refused = [&] {
      return word == "if" || word == "let" || word == "for" || word == "import" || word == "template" ||
             word == "namespace" || (!targetFixed && word == "target");
    };
    for (char c : text) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
        word += c;
        continue;
      }
      if (refused()) return false;
      word.clear();
    }
    return !refused();
  };
  const char *pieces[] = {"if", "let", "for", "import", "target", "template", "namespace", "iff", "lett", "fort",
                          "n", "t", "x", "_", "9", " ", "\n", "{", "\xc3\xa9", "\"", "tmp", "ns", "\xff"};
  SourceManager sm;
  CheckOptions open, fixed;
  fixed.target = k8s::Version{1, 31};
  EarlyWorkloadCheck withoutTarget(sm, open), withTarget(sm, fixed);
  std::mt19937 rng(7);
  size_t refusedCount = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    size_t n = rng() % 40;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    // Mostly words that only look like the refused ones, so that a refused
    // word, when there is one, can be anywhere.
    if (rng() % 4) {
      std::string plain = text;
      for (const char *w : {"if", "let", "for", "import", "target", "template", "namespace"})
        for (size_t at = 0; (at = plain.find(w, at)) != std::string::npos; at += 1) plain[at] = 'X';
      text = plain + (rng() % 2 ? std::string(" ") + pieces[rng() % 7] : std::string());
      if (rng() % 3 == 0) text = std::string(rng() % 20, ' ') + text;
    }
    bool acceptedOpen = reference(text, false), acceptedFixed = reference(text, true);
    refusedCount += !acceptedOpen;
    ASSERT_EQ(withoutTarget.acceptsText(text), acceptedOpen) << "[" << text << "]";
    ASSERT_EQ(withTarget.acceptsText(text), acceptedFixed) << "[" << text << "]";
  }
  EXPECT_GT(refusedCount, 2000u);
  EXPECT_LT(refusedCount, 18000u);
}

TEST(EarlyCheck, ALargePlainBuildIsTheSame) {
  std::string text = plainWorkloads(3200, false);
  ASSERT_GT(text.size(), 768u * 1024) << "too small to be parsed in parts by three threads";
  Result usual = build({{"many.rig", text}}, false, 2);
  EXPECT_EQ(usual.diags.find("\"E"), std::string::npos) << usual.diags.substr(0, 400);
  EXPECT_NE(usual.stream.find("name: w-3199"), std::string::npos);
  EXPECT_FALSE(usual.bodiesDropped);
  for (unsigned threads : {2u, 3u}) {
    Result early = build({{"many.rig", text}}, true, threads);
    EXPECT_TRUE(early.bodiesDropped) << "the workloads were not checked while parsing: the case tests nothing";
    expectSame(usual, early, std::to_string(threads) + " threads");
  }
}

TEST(EarlyCheck, DiagnosticsAreTheSame) {
  std::string text = plainWorkloads(2100, true);
  ASSERT_GT(text.size(), 512u * 1024) << "too small to be parsed in parts by two threads";
  Result usual = build({{"bad.rig", text}}, false, 2);
  EXPECT_NE(usual.diags.find("E0"), std::string::npos);
  EXPECT_EQ(usual.diags.find("\ndropped 0\n"), std::string::npos) << "under the diagnostics limit: the case checks less than it says";
  for (unsigned threads : {2u, 3u}) {
    Result early = build({{"bad.rig", text}}, true, threads);
    EXPECT_TRUE(early.bodiesDropped);
    expectSame(usual, early, std::to_string(threads) + " threads");
  }
}

TEST(EarlyCheck, FilesThatAreMoreThanPlainTakeTheUsualPath) {
  std::string plain = plainWorkloads(2100, false);
  ASSERT_GT(plain.size(), 512u * 1024) << "too small to be parsed in parts by two threads";
  // A `let` at the very end: its part is declined, by when the parts before
  // it may have been checked already; those are parsed again.
  std::string withLet = plain + "let unused = 1\n";
  Result usual = build({{"a.rig", withLet}}, false, 2), early = build({{"a.rig", withLet}}, true, 2);
  EXPECT_FALSE(early.bodiesDropped);
  expectSame(usual, early, "let");

  // A syntax error at the end: the parts are parsed (and checked), then
  // the file is parsed again by the parser that reports errors.
  std::string broken = plain + "deployment z { container c { image = } }\n";
  usual = build({{"a.rig", broken}}, false, 2);
  early = build({{"a.rig", broken}}, true, 2);
  EXPECT_NE(usual.diags.find("E0"), std::string::npos);
  expectSame(usual, early, "syntax error");

  // Another file sets the target, in a way the text scan does not read
  // (a comment after it), and the command line does not: the plain file
  // was checked for the default version, so it is parsed again.
  std::vector<SourceInput> twoFiles = {{"a.rig", plain}, {"b.rig", "target kubernetes \"1.29\" // old nodes\n"}};
  usual = build(twoFiles, false, 2, std::nullopt);
  early = build(twoFiles, true, 2, std::nullopt);
  EXPECT_FALSE(early.bodiesDropped);
  EXPECT_NE(usual.stream.find("container.apparmor.security.beta.kubernetes.io"), std::string::npos)
      << "1.29 writes AppArmor as annotations: the target did not apply";
  expectSame(usual, early, "target in another file");
  // With the version on the command line, the file's target changes nothing.
  usual = build(twoFiles, false, 2);
  early = build(twoFiles, true, 2);
  EXPECT_TRUE(early.bodiesDropped);
  expectSame(usual, early, "target in another file, --k8s given");
}

TEST(EarlyCheck, ANamespaceLineIsReadFromTheText) {
  // A single `namespace "name"` line before the first block: the file is
  // still checked while it is parsed, every workload in that namespace.
  std::string plain = plainWorkloads(2100, false);
  for (std::string head : {"namespace \"shop\"\n", "// the shop\nnamespace \"shop\"  \r\n\n",
                           "target kubernetes \"1.31\"\nnamespace\t\"shop\"\n"}) {
    std::string text = head + plain;
    Result usual = build({{"a.rig", text}}, false, 2), early = build({{"a.rig", text}}, true, 2);
    EXPECT_TRUE(early.bodiesDropped) << "not checked while parsing: " << head;
    EXPECT_NE(usual.stream.find("namespace: shop"), std::string::npos) << usual.diags.substr(0, 400);
    expectSame(usual, early, head);
  }
}

TEST(EarlyCheck, ATargetLineIsReadFromTheText) {
  // No version on the command line, and the inputs set it with one plain
  // `target kubernetes "X.Y"` line, in this file or another: the file is
  // still checked while it is parsed, for that version.
  std::string plain = plainWorkloads(2100, false);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"target kubernetes \"1.29\"\n", ""},
      {"// old nodes\ntarget  kubernetes\t\"1.29\" \r\n\n", ""},
      {"target kubernetes \"1.29\"\nnamespace \"shop\"\n", ""},
      {"", "target kubernetes \"1.29\"\n"}, // in a file of its own
  };
  for (const auto &[head, other] : cases) {
    std::vector<SourceInput> inputs = {{"a.rig", head + plain}};
    if (!other.empty()) inputs.push_back({"b.rig", other});
    Result usual = build(inputs, false, 2, std::nullopt), early = build(inputs, true, 2, std::nullopt);
    EXPECT_TRUE(early.bodiesDropped) << "not checked while parsing: " << head << other;
    EXPECT_NE(usual.stream.find("container.apparmor.security.beta.kubernetes.io"), std::string::npos)
        << "1.29 writes AppArmor as annotations: the target did not apply";
    expectSame(usual, early, head + other);
  }
}

TEST(EarlyCheck, OtherTargetsTakeTheUsualPath) {
  // Every other way of setting the version, with none on the command
  // line: parsed and checked the usual way (or parsed again), with the
  // usual result.
  std::string plain = plainWorkloads(2100, false);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"target kubernetes \"1.29\" // old nodes\n", ""},                 // a comment after it
      {"target kubernetes \"1.2\\u{39}\"\n", ""},                        // an escape
      {"target kubernetes \"1.40\"\n", ""},                              // unsupported (reported by check())
      {"target kubernetes \"1.29\"\n", "target kubernetes \"1.29\"\n"}, // twice, in two files
      {"target kubernetes \"1.29\"\n", "target kubernetes \"1.30\"\n"}, // two versions
      {"target kubernetes \"1.29\"\n", "pod p { container c { image = \"target:1\" } }\n"}, // the word again
      {"/* */\ntarget kubernetes \"1.29\"\n", ""},                        // after a block comment
      {"target openshift \"1.29\"\n", ""},                               // not kubernetes
  };
  for (const auto &[head, other] : cases) {
    std::vector<SourceInput> inputs = {{"a.rig", head + plain}};
    if (!other.empty()) inputs.push_back({"b.rig", other});
    Result usual = build(inputs, false, 2, std::nullopt), early = build(inputs, true, 2, std::nullopt);
    EXPECT_FALSE(early.bodiesDropped) << "checked while parsing: " << head << other;
    expectSame(usual, early, head + other);
  }

  // A module the inputs import sets the version too: the text scan saw
  // the input's line only, so the files are parsed again once the parsed
  // declarations show two.
  auto withModule = [&](bool drop) {
    CompileOptions opts;
    opts.dropCheckedSyntax = drop;
    opts.parse.fastThreads = 2;
    opts.streamOnly = true;
    opts.readFile = [](const std::string &path) -> std::optional<std::string> {
      if (llvm::StringRef(path).endswith("m.rig")) return std::string("target kubernetes \"1.29\"\n");
      return std::nullopt;
    };
    auto c = compile({{"a.rig", "target kubernetes \"1.29\"\n" + plain}, {"b.rig", "import \"./m.rig\"\n"}}, opts);
    Result r;
    r.diags = render(DiagnosticFormat::Json, c->sources, c->diags.all(), RenderOptions{});
    r.model = model::dump(c->program);
    r.stream = c->outputs.stream();
    for (const ast::File &f : c->files)
      for (const ast::ItemPtr &it : f.items)
        if (auto *d = llvm::dyn_cast<ast::Declaration>(it.get()); d && d->keyword.name == "deployment" && !d->body)
          r.bodiesDropped = true;
    return r;
  };
  Result usual = withModule(false), early = withModule(true);
  EXPECT_FALSE(early.bodiesDropped);
  EXPECT_NE(usual.stream.find("container.apparmor.security.beta.kubernetes.io"), std::string::npos) << usual.diags;
  expectSame(usual, early, "a module sets the target");
}

TEST(EarlyCheck, OtherNamespacesTakeTheUsualPath) {
  // Every other way of saying `namespace`: the word decides before
  // parsing, so these files are parsed and checked the usual way.
  std::string plain = plainWorkloads(2100, false);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"namespace shop\n", ""},                                  // an identifier
      {"namespace = \"shop\"\n", ""},                            // the attribute form
      {"namespace \"shop\" // main\n", ""},                      // a comment after it
      {"namespace \"sh\\u{6f}p\"\n", ""},                         // an escape
      {"namespace \"shop\"\nnamespace \"other\"\n", ""},         // twice
      {"/* namespace \"shop\" */\n", ""},                         // in a comment
      {"", "namespace \"late\"\n"},                              // after the workloads
      {"namespace \"shop\"\n", "pod p { container c { image = \"namespace:1\" } }\n"}, // the word again
      {"namespace \"shop\"\npod q { container c { image = \"namespace:2\" } }\n", ""}, // again, in the first part
      {"namespace \"shop\" namespace\n", ""},                  // again, on the line
      {"namespace \"Shop_1\"\n", ""}, // a name the API refuses (reported by check())
  };
  for (const auto &[head, tail] : cases) {
    std::string text = head + plain + tail;
    Result usual = build({{"a.rig", text}}, false, 2), early = build({{"a.rig", text}}, true, 2);
    EXPECT_FALSE(early.bodiesDropped) << "checked while parsing: " << head << tail;
    expectSame(usual, early, head + tail);
    if (head.find("Shop_1") != std::string::npos) {
      EXPECT_NE(usual.diags.find("E0301"), std::string::npos);
    }
  }
}

TEST(EarlyCheck, ManySmallFilesAreCheckedWhileParsed) {
  // Files too small to be cut into parts, parsed several at a time: each
  // plain one is checked on the thread that parsed it. Among them, files
  // with a namespace line, a file with a `let` (checked the usual way,
  // between the others) and a large file cut into parts; with mistakes in
  // a third of the files (past the diagnostics limit in all), or none.
  for (bool withErrors : {false, true}) {
    std::vector<SourceInput> inputs;
    for (int i = 0; i < 500; ++i) {
      // Three workloads each (about 750 bytes; the files hold more than the
      // 128 KiB that makes them worth several threads).
      std::string text = plainWorkloads(3, false);
      if (i > 0) text = text.substr(text.find('\n') + 1); // one `apparmor web` in the build
      std::string n = std::to_string(i);
      for (size_t at = 0; (at = text.find(" w_", at)) != std::string::npos; at += 3) text.replace(at, 3, " w" + n + "_");
      if (withErrors) text += "deployment bad_" + n + " { container app {\n imgae = \"x\"\n limits { memory = 512MB } } }\n";
      if (i % 40 == 9) text = "namespace \"team-" + n + "\"\n" + text;
      if (i == 250) text += "let unused = 1\n";
      inputs.push_back({"f" + std::to_string(1000 + i) + ".rig", text});
    }
    std::string large = plainWorkloads(2100, false);
    large = large.substr(large.find('\n') + 1);
    for (size_t at = 0; (at = large.find(" w_", at)) != std::string::npos; at += 4) large.replace(at, 3, " big_");
    inputs.insert(inputs.begin() + 100, SourceInput{"large.rig", large});
    for (unsigned threads : {2u, 3u}) {
      Result usual = build(inputs, false, threads), early = build(inputs, true, threads);
      std::string what = std::to_string(threads) + " threads" + (withErrors ? ", with errors" : "");
      // The large file has 350 deployments; the 499 plain small ones one or two each.
      EXPECT_EQ(early.deploymentsWithoutBody, 350u + 499u * (withErrors ? 2 : 1)) << "not all checked while parsing; " << what;
      EXPECT_NE(usual.model.find("team-9"), std::string::npos) << what;
      if (withErrors) {
        EXPECT_EQ(usual.diags.find("\ndropped 0\n"), std::string::npos) << "under the diagnostics limit; " << what;
      } else {
        EXPECT_EQ(usual.diags.find("\"E0"), std::string::npos) << usual.diags.substr(0, 600);
        EXPECT_NE(usual.stream.find("namespace: team-9"), std::string::npos) << what;
        EXPECT_NE(usual.stream.find("name: w499-2"), std::string::npos) << what;
      }
      expectSame(usual, early, what);
    }
  }
}

TEST(EarlyCheck, PlainAndExpandedFilesMix) {
  // Workloads checked while parsing and workloads the main loop checks
  // (from a template, in a small file) before and after them.
  std::string plain = plainWorkloads(2100, false);
  std::string templated = "template web(n: int) : deployment { container app { image = \"a:${n}\" } }\n"
                          "deployment t_1 = web(n: 1)\nfor i in 2..4 { deployment \"t-${i}\" = web(n: i) }\n";
  for (bool templatedFirst : {true, false}) {
    std::vector<SourceInput> inputs = {{"plain.rig", plain}, {"templated.rig", templated}};
    if (templatedFirst) std::swap(inputs[0], inputs[1]);
    Result usual = build(inputs, false, 2), early = build(inputs, true, 2);
    EXPECT_TRUE(early.bodiesDropped);
    EXPECT_NE(usual.stream.find("name: t-4"), std::string::npos) << usual.diags.substr(0, 400);
    expectSame(usual, early, templatedFirst ? "templated first" : "plain first");
  }
}

namespace {
// Passes everything on to an EarlyWorkloadCheck; the sinks below each
// change the timing of one step.
class Forwarding : public ast::ItemSink {
public:
  explicit Forwarding(EarlyWorkloadCheck &inner) : inner_(inner) {}
  bool acceptsText(llvm::StringRef text) const override { return inner_.acceptsText(text); }
  void beginFile(FileId f, size_t parts, size_t threads, size_t bytes) override {
    parts_ = parts;
    inner_.beginFile(f, parts, threads, bytes);
  }
  void beginPart(size_t thread, size_t part) override { inner_.beginPart(thread, part); }
  void item(size_t thread, size_t part, ast::Item &it) override { inner_.item(thread, part, it); }
  void endPart(size_t thread, size_t part) override { inner_.endPart(thread, part); }
  void endFile(FileId f, bool kept) override { inner_.endFile(f, kept); }

protected:
  EarlyWorkloadCheck &inner_;
  size_t parts_ = 0;
};

// Holds the first thread to begin a part in that part until the other
// thread has parsed all the rest: the parts' workloads are then made far
// out of file order.
class HoldFirstThread : public Forwarding {
public:
  using Forwarding::Forwarding;
  void beginPart(size_t thread, size_t part) override {
    Forwarding::beginPart(thread, part);
    std::unique_lock<std::mutex> lock(mutex_);
    if (held_) return;
    held_ = true;
    heldPart = part;
    heldUntilOthersDone = ended_.wait_for(lock, std::chrono::seconds(30), [&] { return endedCount_ == parts_ - 1; });
  }
  void endPart(size_t thread, size_t part) override {
    Forwarding::endPart(thread, part);
    std::lock_guard<std::mutex> lock(mutex_);
    ++endedCount_;
    ended_.notify_all();
  }
  bool heldUntilOthersDone = false;
  size_t heldPart = SIZE_MAX;

private:
  std::mutex mutex_;
  std::condition_variable ended_;
  size_t endedCount_ = 0;
  bool held_ = false;
};

// Makes two threads take parts in rounds: a thread that has ended a part
// waits until the other has ended one too. Each thread then parses every
// other part, whichever of a round's two parts it gets, so each one's list
// has the other's parts missing all through it.
class TakeTurns : public Forwarding {
public:
  using Forwarding::Forwarding;
  void beginFile(FileId f, size_t parts, size_t threads, size_t bytes) override {
    partThread.assign(parts, SIZE_MAX);
    Forwarding::beginFile(f, parts, threads, bytes);
  }
  void beginPart(size_t thread, size_t part) override {
    Forwarding::beginPart(thread, part);
    std::lock_guard<std::mutex> lock(mutex_);
    partThread[part] = thread;
  }
  void endPart(size_t thread, size_t part) override {
    Forwarding::endPart(thread, part);
    std::unique_lock<std::mutex> lock(mutex_);
    ++ended_;
    size_t round = round_;
    if (++endedThisRound_ == 2) {
      endedThisRound_ = 0;
      ++round_;
      turn_.notify_all();
      return;
    }
    if (!turn_.wait_for(lock, std::chrono::seconds(30), [&] { return round_ != round || ended_ == parts_; }))
      timedOut = true;
  }
  std::vector<size_t> partThread;
  bool timedOut = false;

private:
  std::mutex mutex_;
  std::condition_variable turn_;
  size_t ended_ = 0, endedThisRound_ = 0, round_ = 0;
};

// The diagnostics and model of a plain file parsed with a new Sink wrapped
// around an EarlyWorkloadCheck (kept in `sink` for the caller to look at),
// in the form build() gives.
template <class Sink>
std::pair<std::string, std::string> checkWithSink(const std::string &text, std::unique_ptr<Sink> &sink,
                                                  bool &checkedWhileParsing) {
  SourceManager sm;
  FileId id = sm.addFile("bad.rig", text);
  Diagnostics diags;
  CheckOptions checkOpts;
  checkOpts.target = k8s::Version{1, 31};
  checkOpts.threads = 2;
  EarlyWorkloadCheck early(sm, checkOpts);
  sink = std::make_unique<Sink>(early);
  ParseOptions parseOpts;
  parseOpts.fastThreads = 2;
  parseOpts.itemSink = sink.get();
  ast::File file = parse(sm, id, diags, parseOpts);
  checkedWhileParsing = !diags.hasErrors() && early.files().size() == 1;
  checkOpts.early = &early;
  const ast::File *files[] = {&file};
  model::Program program = check(files, sm, diags, checkOpts);
  diags.sortByLocation();
  RenderOptions ro;
  std::string rendered = render(DiagnosticFormat::Json, sm, diags.all(), ro) + "\ndropped " +
                         std::to_string(diags.dropped()) + "\nerrors " + std::to_string(diags.errorCount());
  return {rendered, model::dump(program)};
}
} // namespace

TEST(EarlyCheck, PartsTakenInTurnsJoinInFileOrder) {
  std::string text = plainWorkloads(2100, true);
  Result usual = build({{"bad.rig", text}}, false, 2);
  std::unique_ptr<TakeTurns> turns;
  bool checkedWhileParsing = false;
  auto [diags, model] = checkWithSink(text, turns, checkedWhileParsing);
  ASSERT_TRUE(checkedWhileParsing) << "the file was not checked while parsing: the case tests nothing";
  EXPECT_FALSE(turns->timedOut);
  size_t byThread0 = std::count(turns->partThread.begin(), turns->partThread.end(), size_t(0));
  EXPECT_GE(byThread0, turns->partThread.size() / 2) << "the threads did not take turns";
  EXPECT_LE(byThread0, turns->partThread.size() / 2 + 1) << "the threads did not take turns";
  EXPECT_EQ(diags, usual.diags);
  EXPECT_EQ(model, usual.model);
}

TEST(EarlyCheck, PartsCheckedOutOfOrderJoinInFileOrder) {
  std::string text = plainWorkloads(2100, true);
  ASSERT_GT(text.size(), 512u * 1024) << "too small to be parsed in parts by two threads";
  Result usual = build({{"bad.rig", text}}, false, 2);
  std::unique_ptr<HoldFirstThread> holding;
  bool checkedWhileParsing = false;
  auto [diags, model] = checkWithSink(text, holding, checkedWhileParsing);
  ASSERT_TRUE(checkedWhileParsing) << "the file was not checked while parsing: the case tests nothing";
  EXPECT_TRUE(holding->heldUntilOthersDone) << "the other thread did not take the parts the held one could not";
  EXPECT_NE(holding->heldPart, SIZE_MAX);
  EXPECT_EQ(diags, usual.diags);
  EXPECT_EQ(model, usual.model);
}
