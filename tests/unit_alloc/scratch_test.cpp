// Scratch memory (base/scratch.h) as the batch allocator provides it, and
// the one user of it: a large plain file's workload bodies, built in
// scratch memory while the file is parsed and dropped whole once checked.
// A build must come out the same with scratch memory as without.
#include "compiler/base/scratch.h"
#include "compiler/diagnostics/render.h"
#include "compiler/driver/driver.h"
#include "compiler/tools/rig/batch_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace rig;

namespace {

class Scratch : public ::testing::Test {
protected:
  void SetUp() override {
    if (!enableBatchAllocator()) GTEST_SKIP() << "the batch allocator is compiled out (sanitizer build)";
    ASSERT_TRUE(scratch::available());
  }
};

TEST_F(Scratch, BlocksComeAgainAfterAReset) {
  std::vector<void *> first;
  {
    scratch::Scope on(true);
    for (size_t size : {1, 16, 100, 1000, 5000, 70000, 24})
      first.push_back(::operator new(size));
  }
  for (void *p : first) {
    EXPECT_TRUE(scratch::owns(p));
    EXPECT_TRUE(isBatchAllocated(p));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
  }
  // Disjoint: each block written in full keeps its pattern.
  size_t sizes[] = {1, 16, 100, 1000, 5000, 70000, 24};
  for (size_t i = 0; i < first.size(); ++i) std::memset(first[i], static_cast<int>(i + 1), sizes[i]);
  for (size_t i = 0; i < first.size(); ++i)
    for (size_t k = 0; k < sizes[i]; ++k) ASSERT_EQ(static_cast<unsigned char *>(first[i])[k], i + 1);
  // Freeing does nothing: the contents stay until the reset.
  for (void *p : first) ::operator delete(p);
  EXPECT_EQ(static_cast<unsigned char *>(first[2])[99], 3);
  scratch::reset();
  std::vector<void *> again;
  {
    scratch::Scope on(true);
    for (size_t size : {1, 16, 100, 1000, 5000, 70000, 24})
      again.push_back(::operator new(size));
  }
  EXPECT_EQ(again, first);
  scratch::reset();
}

TEST_F(Scratch, ScopesNestAndSuspend) {
  void *ordinary = ::operator new(32);
  EXPECT_FALSE(scratch::owns(ordinary));
  {
    scratch::Scope on(true);
    void *a = ::operator new(32);
    EXPECT_TRUE(scratch::owns(a));
    {
      scratch::Scope off(false);
      void *b = ::operator new(32);
      EXPECT_FALSE(scratch::owns(b)); // a container that outlives the scratch grows here
      ::operator delete(b);
    }
    void *c = ::operator new(32);
    EXPECT_TRUE(scratch::owns(c)); // the outer scope again
  }
  void *d = ::operator new(32);
  EXPECT_FALSE(scratch::owns(d));
  ::operator delete(d);
  ::operator delete(ordinary);
  scratch::reset();
}

TEST_F(Scratch, EachThreadHasItsOwn) {
  void *mine = nullptr, *theirs = nullptr;
  bool theirsOwned = false, ordinaryThere = true;
  {
    scratch::Scope on(true);
    mine = ::operator new(64);
    std::thread([&] {
      // Scratch is on for the thread that opened the scope only.
      void *p = ::operator new(64);
      ordinaryThere = !scratch::owns(p);
      ::operator delete(p);
      scratch::Scope theirsOn(true);
      theirs = ::operator new(64);
      theirsOwned = scratch::owns(theirs);
      std::memset(theirs, 0xee, 64);
    }).join();
  }
  EXPECT_TRUE(ordinaryThere);
  EXPECT_TRUE(theirsOwned);
  EXPECT_TRUE(scratch::owns(mine));
  EXPECT_NE(mine, theirs);
  std::memset(mine, 0x11, 64);
  EXPECT_EQ(static_cast<unsigned char *>(theirs)[63], 0xee);
  scratch::reset();
}

TEST_F(Scratch, ManyChunksAndAnOversizedRequest) {
  // Past its chunk a thread takes the next one, and a request larger than
  // a chunk gets a chunk of its own size; after a reset the same again.
  auto fill = [] {
    std::vector<char *> blocks;
    scratch::Scope on(true);
    for (int i = 0; i < 2000; ++i) blocks.push_back(static_cast<char *>(::operator new(1000)));
    blocks.push_back(static_cast<char *>(::operator new(300000)));
    return blocks;
  };
  std::vector<char *> a = fill();
  for (size_t i = 0; i < a.size(); ++i) std::memset(a[i], static_cast<int>(i % 251), i + 1 < a.size() ? 1000 : 300000);
  for (size_t i = 0; i + 1 < a.size(); ++i) ASSERT_EQ(static_cast<unsigned char>(a[i][999]), i % 251) << i;
  scratch::reset();
  EXPECT_EQ(fill(), a);
  scratch::reset();
}

// The build side: a file large enough to be parsed in parts by two
// threads, with top-level items that are not workloads (their bodies stay)
// between the workloads (whose bodies go), and optionally mistakes.
std::string plainFile(int n, bool withErrors) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    std::string id = std::to_string(i);
    if (i % 500 == 0) text += "apparmor prof_" + id + " {\n  allow read \"/srv/" + id + "/**\"\n}\n";
    text += std::string(i % 3 ? "deployment" : "statefulset") + " app_" + id + " {\n";
    text += "  replicas = " + std::to_string(1 + i % 4) + "\n";
    text += "  sidecar proxy {\n    image = \"envoyproxy/envoy:v1." + id + "\"\n"
            "    requests { cpu = 100m, memory = 128Mi }\n    limits { cpu = 200m, memory = 256Mi }\n  }\n";
    text += "  container app {\n    image = \"nginx:1." + id + "\"\n    port = 8080\n"
            "    env { MODE = \"run-${2 * 3}\", INDEX = \"" + id + "\" }\n"
            "    requests { cpu = 250m, memory = 256Mi }\n";
    text += "    apparmor = " + std::string(i % 2 ? "localhost(\"k8s-strict\")" : "prof_" + std::to_string(i - i % 500)) + "\n";
    if (withErrors && i % 97 == 5) text += "    imgae = \"typo\"\n";
    if (withErrors && i % 89 == 7) text += "    limits { memory = 512MB }\n";
    text += "  }\n}\n";
  }
  return text;
}

struct Built {
  std::string diags, model, stream;
};

Built build(const std::string &text, bool withScratch) {
  const scratch::Provider *provider = scratch::installed();
  if (!withScratch) scratch::install(nullptr);
  CompileOptions opts;
  opts.dropCheckedSyntax = true;
  opts.parse.fastThreads = 2;
  opts.checkThreads = 2;
  opts.emit.threads = 2;
  opts.streamOnly = true;
  opts.target = k8s::Version{1, 31};
  auto c = compile({{"big.rig", text}}, opts);
  Built b;
  b.diags = render(DiagnosticFormat::Json, c->sources, c->diags.all(), RenderOptions{});
  b.model = model::dump(c->program);
  b.stream = c->outputs.stream();
  scratch::install(provider);
  return b;
}

void expectSameBuild(const std::string &text, const std::string &what) {
  Built with = build(text, true), without = build(text, false);
  EXPECT_EQ(with.diags, without.diags) << what;
  EXPECT_EQ(with.model, without.model) << what;
  EXPECT_EQ(with.stream, without.stream) << what;
}

TEST_F(Scratch, ABuildIsTheSameWithScratchMemory) {
  std::string clean = plainFile(2500, false);
  ASSERT_GT(clean.size(), size_t(512) << 10); // cut into parts
  // A reset after each workload: its body was built in scratch memory.
  size_t resetsBefore = scratchResets();
  Built b = build(clean, true);
  EXPECT_EQ(scratchResets() - resetsBefore, 2500u);
  resetsBefore = scratchResets();
  (void)build(clean, false);
  EXPECT_EQ(scratchResets(), resetsBefore);
  EXPECT_NE(b.stream.find("name: app-2499"), std::string::npos);
  EXPECT_EQ(b.diags.find("\"severity\":\"error\""), std::string::npos) << b.diags.substr(0, 400);
  expectSameBuild(clean, "clean");
  expectSameBuild(plainFile(2500, true), "with mistakes");
  // A syntax error late in the file: the parts checked so far were built
  // in scratch memory, then the file is parsed again another way.
  std::string broken = clean;
  broken.insert(broken.rfind("deployment"), "deployment {{ }\n");
  expectSameBuild(broken, "syntax error");
}

} // namespace
