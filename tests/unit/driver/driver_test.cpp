#include "compiler/driver/driver.h"
#include "compiler/diagnostics/render.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

using namespace rig;
namespace fs = std::filesystem;

namespace {
const char *kGood = "namespace \"shop\"\ndeployment web { replicas = 2\n container app { image = \"nginx:1.27\" } }\n";

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("rig-driver-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};
} // namespace

TEST(Driver, OutputLayoutFollowsNamespaceKindAndName) {
  auto c = compile({{"a.rig", kGood}}, CompileOptions{});
  ASSERT_TRUE(c->ok());
  ASSERT_EQ(c->outputs.files.size(), 2u);
  EXPECT_EQ(c->outputs.files[0].path, "kustomization.yaml");
  EXPECT_EQ(c->outputs.files[1].path, "shop/deployment-web.yaml");
  EXPECT_NE(c->outputs.files[0].content.find("- shop/deployment-web.yaml"), std::string::npos);
}

TEST(Driver, ErrorsProduceNoOutputs) {
  auto c = compile({{"a.rig", "pod p { container c { imgae = \"x\" } }"}}, CompileOptions{});
  EXPECT_FALSE(c->ok());
  EXPECT_TRUE(c->outputs.files.empty());
  EXPECT_TRUE(c->outputs.stream().empty());
}

TEST(Driver, WerrorProducesNoOutputs) {
  CompileOptions opts;
  opts.werror = true;
  auto c = compile({{"a.rig", "pod p { volume v = empty_dir()\n container c { image = \"x:1\" } }"}}, opts);
  EXPECT_FALSE(c->ok());
  EXPECT_TRUE(c->outputs.files.empty());
}

TEST(Driver, OutputIsDeterministic) {
  auto a = compile({{"a.rig", kGood}}, CompileOptions{});
  auto b = compile({{"a.rig", kGood}}, CompileOptions{});
  ASSERT_EQ(a->outputs.files.size(), b->outputs.files.size());
  for (size_t i = 0; i < a->outputs.files.size(); ++i) EXPECT_EQ(a->outputs.files[i].content, b->outputs.files[i].content);
}

TEST(Driver, WriteReplacesOnlyRigDirectories) {
  TempDir tmp;
  auto c = compile({{"a.rig", kGood}}, CompileOptions{});
  fs::path out = tmp.path / "out";
  ASSERT_EQ(writeOutputDirectory(c->outputs, out.string()), "");
  EXPECT_TRUE(fs::exists(out / "shop" / "deployment-web.yaml"));
  EXPECT_TRUE(fs::exists(out / kOutputMarker));
  // A stale file from an earlier build disappears: the directory is replaced.
  std::ofstream(out / "stale.yaml") << "x";
  ASSERT_EQ(writeOutputDirectory(c->outputs, out.string()), "");
  EXPECT_FALSE(fs::exists(out / "stale.yaml"));
  // A directory rig did not write is refused and left alone.
  fs::path foreign = tmp.path / "src";
  fs::create_directories(foreign);
  std::ofstream(foreign / "main.c") << "int main;";
  EXPECT_NE(writeOutputDirectory(c->outputs, foreign.string()), "");
  EXPECT_TRUE(fs::exists(foreign / "main.c"));
  // Nothing staged is left behind.
  for (const auto &e : fs::directory_iterator(tmp.path))
    EXPECT_EQ(e.path().filename().string().find(".rig-"), std::string::npos) << e.path();
}

TEST(Driver, Depfile) {
  EXPECT_EQ(depfile("out/kustomization.yaml", {"a b.rig", "c.rig"}), "out/kustomization.yaml: a\\ b.rig c.rig\n");
}

TEST(Driver, OutputIsTheSameForAnyNumberOfThreads) {
  // Enough workloads (of every kind, after a feature object emitted before
  // them) that the parser (over 200,000 tokens) and the emitter split the work.
  std::string text = "apparmor web { allow read \"/srv/**\" }\n";
  const char *kinds[] = {"deployment", "statefulset", "daemonset", "job", "pod", "cronjob"};
  for (int i = 0; i < 5000; ++i) {
    std::string n = std::to_string(i), kind = kinds[i % 6];
    text += kind + " w_" + n + " {\n";
    if (kind == "cronjob") text += "  schedule = \"*/5 * * * *\"\n";
    text += "  sidecar proxy_" + n + " { image = \"envoy:1.${i}\"\n    requests { cpu = " + std::to_string(10 + i % 90) +
            "m }\n  }\n  container app {\n    image = \"app:" + n + "\"\n    port = " + std::to_string(1024 + i) +
            "\n    apparmor = web\n  }\n}\n";
    text.replace(text.rfind("${i}"), 4, n);
  }
  auto build = [&](unsigned threads, bool streamOnly, emit::ManifestFormat format) {
    CompileOptions opts;
    opts.emit.threads = threads;
    opts.emit.format = format;
    opts.streamOnly = streamOnly;
    opts.parse.fastThreads = threads;
    opts.checkThreads = threads;
    return compile({{"many.rig", text}}, opts);
  };
  for (emit::ManifestFormat format : {emit::ManifestFormat::Yaml, emit::ManifestFormat::Json})
    for (bool streamOnly : {true, false}) {
      auto one = build(1, streamOnly, format);
      ASSERT_TRUE(one->ok()) << (one->diags.all().empty() ? "" : one->diags.all().front().message);
      EXPECT_EQ(one->program.workloads.size(), 5000u);
      for (unsigned threads : {2u, 5u}) {
        auto many = build(threads, streamOnly, format);
        ASSERT_TRUE(many->ok());
        EXPECT_EQ(many->outputs.stream(), one->outputs.stream()) << threads << " threads";
        ASSERT_EQ(many->outputs.files.size(), one->outputs.files.size());
        for (size_t i = 0; i < one->outputs.files.size(); ++i) {
          EXPECT_EQ(many->outputs.files[i].path, one->outputs.files[i].path);
          EXPECT_EQ(many->outputs.files[i].content, one->outputs.files[i].content) << one->outputs.files[i].path;
        }
      }
      if (!streamOnly) continue;
      // `-o -` hands the stream to a sink as it is written (YAML workloads
      // in batches from every thread): the same bytes, in the same order.
      for (unsigned threads : {1u, 2u, 5u}) {
        CompileOptions opts;
        opts.emit.threads = threads;
        opts.emit.format = format;
        opts.streamOnly = true;
        opts.checkThreads = threads;
        std::string sunk;
        size_t pieces = 0;
        opts.emit.sink = [&](llvm::StringRef piece) {
          sunk += piece;
          ++pieces;
        };
        auto c = compile({{"many.rig", text}}, opts);
        ASSERT_TRUE(c->ok());
        EXPECT_TRUE(c->outputs.streamPieces.empty());
        EXPECT_EQ(sunk, one->outputs.stream()) << threads << " threads";
        if (format == emit::ManifestFormat::Yaml) {
          EXPECT_GT(pieces, 50u) << "not written in batches";
        }
      }
    }
}

TEST(Driver, DiagnosticsAreTheSameForAnyNumberOfCheckThreads) {
  // Workloads with errors of many kinds, namespaces changing mid-file (and
  // a repeated one), workloads made by a template (labels on the
  // instantiation), duplicates only a cross-object check finds, and more
  // diagnostics than the limit keeps.
  std::string text = "template svc(port: int) : deployment { container app { image = \"a:1\"\n"
                     "  port = port\n  requests { cpu = 1.5.3 } } }\n";
  for (int i = 0; i < 1200; ++i) {
    std::string n = std::to_string(i);
    if (i == 300) text += "namespace shop\n";
    if (i == 600) text += "namespace again\n";
    if (i == 900) text += "namespace = \"Bad_Name\"\n";
    switch (i % 6) {
    case 0: text += "deployment w_" + n + " { container app { image = \"a:1\"\n imgae = \"x\" } }\n"; break;
    case 1: text += "deployment \"t-" + n + "\" = svc(port: " + std::to_string(70000 + i) + ")\n"; break;
    case 2: text += "deployment w_" + std::to_string(i - 2) + " { container app { image = \"a:1\" } }\n"; break;
    case 3: text += "job j_" + n + " { container app { image = \"a:1\"\n requests { memory = 512MB } } }\n"; break;
    case 4: text += "deployment W_" + n + " { sidecar s after nope { image = \"a:1\" }\n container app { image = \"a:1\" } }\n"; break;
    default: text += "statefulset s_" + n + " { container app { image = \"a:1\" } }\n"; break;
    }
  }
  auto run = [&](unsigned threads) {
    CompileOptions opts;
    opts.checkThreads = threads;
    opts.stopAfter = Phase::Check;
    auto c = compile({{"bad.rig", text}}, opts);
    RenderOptions ro;
    return std::make_pair(render(DiagnosticFormat::Json, c->sources, c->diags.all(), ro) +
                              "\ndropped " + std::to_string(c->diags.dropped()) + "\nerrors " + std::to_string(c->diags.errorCount()),
                          model::dump(c->program));
  };
  auto [diags1, model1] = run(1);
  EXPECT_NE(diags1.find("\"E0"), std::string::npos);
  EXPECT_NE(diags1.find("instantiated"), std::string::npos) << "no template labels: the case checks less than it says";
  EXPECT_EQ(diags1.find("\ndropped 0\n"), std::string::npos) << "under the diagnostics limit: the case checks less than it says";
  for (unsigned threads : {2u, 4u}) {
    auto [diags, model] = run(threads);
    EXPECT_EQ(diags, diags1) << threads << " threads";
    EXPECT_EQ(model, model1) << threads << " threads";
  }
}

TEST(Driver, ManySmallFilesGiveTheSameResultOnAnyNumberOfThreads) {
  // Files too small to be cut into parts are parsed several at a time
  // (over 128 KiB of them here); what comes out, diagnostics included and
  // in their order, must be what parsing them one by one gives. Some have
  // syntax errors (the parser that reports them runs one at a time), some
  // mistakes the check finds.
  auto files = [](bool syntaxErrors) {
    std::vector<SourceInput> inputs;
    for (int i = 0; i < 600; ++i) {
      std::string n = std::to_string(i), text;
      if (i % 50 == 7) text += "namespace \"team-" + n + "\"\n";
      text += "deployment app_" + n + " {\n  replicas = " + std::to_string(1 + i % 4) + "\n" +
              "  sidecar log_shipper {\n    image = \"fluent/fluent-bit:3.0\"\n" +
              "    requests { cpu = 50m, memory = 64Mi }\n  }\n  container app {\n    image = \"nginx:1." + n + "\"\n" +
              "    port = " + std::to_string(1024 + i) + "\n    limits { cpu = 500m, memory = 512Mi }\n";
      // Over the diagnostics limit in all: which are kept depends on the
      // order they were reported in.
      if (i % 13 == 5) text += "    imgae = \"typo\"\n";
      text += "    comand = [\"a\"]\n    requests { cpu = 1.5.3 }\n";
      if (syntaxErrors && i % 9 == 4) text += "    port = \n";
      if (syntaxErrors) text += "    sleep 5 ]\n  }\n  ) x\n  container other {\n    image = ]\n";
      text += "  }\n}\n";
      inputs.push_back({"f" + std::to_string(1000 + i) + ".rig", text});
    }
    return inputs;
  };
  auto run = [](const std::vector<SourceInput> &inputs, unsigned threads) {
    CompileOptions opts;
    opts.parse.fastThreads = threads;
    opts.checkThreads = threads;
    opts.emit.threads = threads;
    opts.streamOnly = true;
    auto c = compile(inputs, opts);
    RenderOptions ro;
    return std::make_pair(render(DiagnosticFormat::Json, c->sources, c->diags.all(), ro) + "\nerrors " +
                              std::to_string(c->diags.errorCount()) + "\n" + model::dump(c->program) + c->outputs.stream(),
                          c->diags.dropped());
  };
  for (bool syntaxErrors : {false, true}) {
    std::vector<SourceInput> inputs = files(syntaxErrors);
    size_t bytes = 0;
    for (const SourceInput &in : inputs) bytes += in.text.size();
    ASSERT_GT(bytes, 128u * 1024) << "too little text to be parsed on several threads";
    auto [one, dropped] = run(inputs, 1);
    EXPECT_NE(one.find(syntaxErrors ? "E0001" : "E0102"), std::string::npos);
    EXPECT_GT(dropped, 0u) << "under the diagnostics limit: the order of reports is not tested" << (syntaxErrors ? " (syntax errors)" : "");
    for (unsigned threads : {2u, 5u}) EXPECT_EQ(run(inputs, threads).first, one) << threads << " threads";
  }
}

TEST(Driver, AFolderOfManyFilesIsReadInNameOrderOnAnyNumberOfThreads) {
  // Many files are read on several threads; they must still come in name
  // order, and what cannot be read must be reported in argument order.
  TempDir dir;
  for (int i = 0; i < 300; ++i) {
    std::string n = std::to_string(i);
    std::ofstream(dir.path / ("w" + std::string(i < 10 ? "00" : i < 100 ? "0" : "") + n + ".rig"))
        << "deployment app_" << n << " { container app { image = \"nginx:1." << n << "\" } }\n";
  }
  std::ofstream(dir.path / "notes.txt") << "not rig\n";
  fs::create_directories(dir.path / "empty");
  auto run = [&](unsigned threads, const std::vector<std::string> &paths) {
    CompileOptions opts;
    opts.parse.fastThreads = threads;
    opts.streamOnly = true;
    auto c = compileFiles(paths, opts);
    RenderOptions ro;
    std::string names;
    for (const ast::File &f : c->files) names += c->sources.name(f.id).str() + "\n";
    return render(DiagnosticFormat::Json, c->sources, c->diags.all(), ro) + names + c->outputs.stream();
  };
  std::vector<std::string> good = {dir.path.string()};
  std::string one = run(1, good);
  EXPECT_LT(one.find("w000.rig"), one.find("w001.rig"));
  EXPECT_LT(one.find("w100.rig"), one.find("w299.rig"));
  EXPECT_LT(one.find("name: app-0\n"), one.find("name: app-1\n"));
  EXPECT_EQ(one.find("notes.txt"), std::string::npos);
  for (unsigned threads : {2u, 5u}) EXPECT_EQ(run(threads, good), one) << threads << " threads";

  std::vector<std::string> bad = {(dir.path / "missing.rig").string(), dir.path.string(), (dir.path / "empty").string(),
                                  (dir.path / "missing2.rig").string()};
  std::string reported = run(1, bad);
  size_t a = reported.find("missing.rig"), b = reported.find("empty"), c = reported.find("missing2.rig");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(c, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  for (unsigned threads : {2u, 5u}) EXPECT_EQ(run(threads, bad), reported) << threads << " threads";
}
