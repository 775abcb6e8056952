// The rig command line: flags -> CompileOptions -> compile -> outputs and an
// exit code (0 success, 1 diagnostics with errors, 2 usage or I/O errors).
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "compiler/diagnostics/render.h"
#include "compiler/driver/driver.h"
#include "compiler/explain/explain.h"
#include "lsp/server.h"
#include "compiler/tools/rig/batch_allocator.h"

namespace {

constexpr const char *kVersion = "0.1.0";

constexpr const char *kUsage = R"(usage: rig <command> [options] FILE...

commands:
  build     compile, check and write manifests (all or nothing)
  check     everything build checks, no output; exit 1 on errors
  explain   what the compiler concluded: start order, QoS classes, …
  lsp       run the language server on stdin/stdout (editors start it)
  fmt       print files in the canonical layout (-w: rewrite them; --check: exit 1 if any would change)
  version   print rig's version and the Kubernetes versions it targets

options:
  --k8s X.Y                 target Kubernetes version (default 1.31; overrides `target` in files)
  -o DIR | -o -             output directory (default out/), or - for one stream on stdout
  --format yaml|json        manifest format (default yaml)
  --diagnostics text|json|sarif
                            how diagnostics are printed on stderr (default text)
  --color auto|always|never colored diagnostics (default auto)
  --werror                  treat warnings as errors
  --depfile FILE            also write a Make depfile for the build
  --no-kustomization        do not write kustomization.yaml
  --no-apparmor-loader      do not emit the DaemonSet and ConfigMap that load
                            rig's AppArmor profiles on the nodes
  --dump ast|model          print a phase's result instead of building
  --max-input-size BYTES    refuse larger input files (default 67108864)
  --root DIR                project root that imports must stay inside (default: the first input's folder)
  --max-items N             most items templates and `for` may produce (default 5000000)
  --previous DIR            a previous build's output, to check that claims keep their storage class
                            (build -o DIR compares with DIR itself when rig wrote it)
  --no-previous             do not compare with any previous build
  --solver-timeout MS       wall-clock bound of each solver query (default 5000)
  --solver-rlimit N         deterministic work bound of each solver query (default 50000000)
)";

struct Args {
  std::string command;
  std::vector<std::string> inputs;
  rig::CompileOptions opts;
  std::string outDir = "out";
  rig::DiagnosticFormat diagFormat = rig::DiagnosticFormat::Text;
  std::string color = "auto";
  std::string depfile;
  std::string dump;
  bool noPrevious = false;
  bool fmtWrite = false, fmtCheck = false; // fmt -w, fmt --check
};

int usageError(const std::string &msg) {
  std::cerr << "rig: " << msg << "\n" << kUsage;
  return 2;
}

// Returns 0 when parsed, else the exit code to stop with.
int parseArgs(int argc, char **argv, Args &a) {
  if (argc < 2) return usageError("no command given");
  a.command = argv[1];
  if (a.command == "-h" || a.command == "--help" || a.command == "help") {
    std::cout << kUsage;
    return -1;
  }
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *flag) -> std::optional<std::string> {
      std::string f = flag;
      if (arg == f) {
        if (i + 1 >= argc) return std::nullopt;
        return std::string(argv[++i]);
      }
      if (arg.rfind(f + "=", 0) == 0) return arg.substr(f.size() + 1);
      return std::nullopt;
    };
    auto is = [&](const char *flag) { return arg == flag || arg.rfind(std::string(flag) + "=", 0) == 0; };
    if (is("--k8s")) {
      auto v = value("--k8s");
      if (!v) return usageError("--k8s needs a version such as 1.31");
      auto ver = rig::k8s::parseVersion(*v);
      if (!ver || !rig::k8s::isSupported(*ver))
        return usageError("unsupported Kubernetes version '" + *v + "'; rig targets " + rig::k8s::kOldestVersion.str() +
                          " to " + rig::k8s::kNewestVersion.str());
      a.opts.target = ver;
    } else if (arg == "-o" || is("--output")) {
      auto v = arg == "-o" ? (i + 1 < argc ? std::optional<std::string>(argv[++i]) : std::nullopt) : value("--output");
      if (!v || v->empty()) return usageError("-o needs a directory or -");
      a.outDir = *v;
    } else if (is("--format")) {
      auto v = value("--format");
      if (v == "yaml") a.opts.emit.format = rig::emit::ManifestFormat::Yaml;
      else if (v == "json") a.opts.emit.format = rig::emit::ManifestFormat::Json;
      else return usageError("--format takes yaml or json");
    } else if (is("--diagnostics")) {
      auto v = value("--diagnostics");
      if (v == "text") a.diagFormat = rig::DiagnosticFormat::Text;
      else if (v == "json") a.diagFormat = rig::DiagnosticFormat::Json;
      else if (v == "sarif") a.diagFormat = rig::DiagnosticFormat::Sarif;
      else return usageError("--diagnostics takes text, json or sarif");
    } else if (is("--color")) {
      auto v = value("--color");
      if (v != "auto" && v != "always" && v != "never") return usageError("--color takes auto, always or never");
      a.color = *v;
    } else if (is("--previous")) {
      auto v = value("--previous");
      if (!v || v->empty()) return usageError("--previous needs a directory");
      a.opts.previousOutput = *v;
    } else if (arg == "--no-previous") {
      a.noPrevious = true;
    } else if (arg == "--werror") {
      a.opts.werror = true;
    } else if (is("--depfile")) {
      auto v = value("--depfile");
      if (!v) return usageError("--depfile needs a file name");
      a.depfile = *v;
    } else if (arg == "--no-apparmor-loader") {
      a.opts.emit.appArmorLoader = false;
    } else if (arg == "--no-kustomization") {
      a.opts.emit.kustomization = false;
    } else if (is("--dump")) {
      auto v = value("--dump");
      if (v != "ast" && v != "model") return usageError("--dump takes ast or model");
      a.dump = *v;
    } else if (is("--max-input-size")) {
      auto v = value("--max-input-size");
      char *end = nullptr;
      unsigned long long n = v ? std::strtoull(v->c_str(), &end, 10) : 0;
      if (!v || v->empty() || *end) return usageError("--max-input-size takes a number of bytes");
      a.opts.parse.maxFileBytes = n;
    } else if (is("--root")) {
      auto v = value("--root");
      if (!v || v->empty()) return usageError("--root needs a directory");
      a.opts.root = *v;
    } else if (is("--max-items")) {
      auto v = value("--max-items");
      char *end = nullptr;
      unsigned long long n = v ? std::strtoull(v->c_str(), &end, 10) : 0;
      if (!v || v->empty() || *end || n == 0) return usageError("--max-items takes a positive number");
      a.opts.maxExpandedItems = n;
    } else if (is("--solver-timeout") || is("--solver-rlimit")) {
      bool timeout = arg.rfind("--solver-timeout", 0) == 0;
      auto v = value(timeout ? "--solver-timeout" : "--solver-rlimit");
      char *end = nullptr;
      unsigned long long n = v ? std::strtoull(v->c_str(), &end, 10) : 0;
      if (!v || v->empty() || *end || n == 0) return usageError(timeout ? "--solver-timeout takes milliseconds" : "--solver-rlimit takes a number");
      if (timeout) a.opts.verify.timeoutMs = static_cast<unsigned>(std::min<unsigned long long>(n, UINT32_MAX));
      else a.opts.verify.rlimit = n;
    } else if (arg == "-w") {
      a.fmtWrite = true;
    } else if (arg == "--check") {
      a.fmtCheck = true;
    } else if (arg == "--") {
      for (++i; i < argc; ++i) a.inputs.push_back(argv[i]);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usageError("unknown option '" + arg + "'");
    } else {
      a.inputs.push_back(arg);
    }
  }
  return 0;
}

} // namespace

// `rig fmt`: each file is parsed on its own; a file with syntax errors is
// reported and left alone, the others are printed, rewritten or checked.
int runFormat(const Args &a) {
  if (a.inputs.empty()) return usageError("no input files");
  if (a.fmtWrite && a.fmtCheck) return usageError("-w and --check exclude each other");
  if (!a.fmtWrite && !a.fmtCheck && a.inputs.size() > 1) return usageError("fmt prints one file; use -w or --check for several");
  int rc = 0;
  for (const std::string &path : a.inputs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "rig: cannot read " << path << "\n";
      rc = std::max(rc, 2);
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string original = ss.str();
    auto f = rig::formatSource({path, original}, a.opts.parse);
    if (!f->ok()) {
      rig::RenderOptions ro;
      ro.color = a.color == "always" || (a.color == "auto" && isatty(2));
      std::string text = rig::render(a.diagFormat, f->sources, f->diags.all(), ro);
      std::fwrite(text.data(), 1, text.size(), stderr);
      rc = std::max(rc, 1);
      continue;
    }
    if (a.fmtCheck) {
      if (f->text != original) {
        std::cout << path << "\n";
        rc = std::max(rc, 1);
      }
    } else if (a.fmtWrite) {
      if (f->text == original) continue;
      // Written beside and renamed over, so an interrupted run never leaves
      // half a file.
      std::string tmp = path + ".rig-fmt.tmp";
      {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << f->text;
        if (!out) {
          std::cerr << "rig: cannot write " << tmp << "\n";
          rc = std::max(rc, 2);
          continue;
        }
      }
      if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        std::cerr << "rig: cannot replace " << path << "\n";
        rc = std::max(rc, 2);
      }
    } else {
      std::cout << f->text;
    }
  }
  return rc;
}

int main(int argc, char **argv) {
  if (argc >= 2 && std::strcmp(argv[1], "lsp") == 0) {
    // Clients add their transport flags: vscode-languageclient appends
    // `--stdio` to the command it starts, some add `--clientProcessId`.
    // stdio is the only transport; anything else is a usage error.
    for (int i = 2; i < argc; ++i) {
      llvm::StringRef arg = argv[i];
      if (arg == "--stdio" || arg.startswith("--clientProcessId=")) continue;
      if (arg == "--clientProcessId" && i + 1 < argc) {
        ++i;
        continue;
      }
      std::cerr << "rig lsp: unsupported option '" << arg.str() << "' (the server speaks LSP on stdin/stdout)\n";
      return 2;
    }
    // Own buffering on stdin, so the server can see that more input waits.
    std::ios::sync_with_stdio(false);
    return rig::lsp::runServer(std::cin, std::cout, std::cerr);
  }
  // One-shot commands: allocate from the batch allocator (the language
  // server above runs for hours and keeps glibc's malloc).
  rig::enableBatchAllocator();
  Args a;
  if (int rc = parseArgs(argc, argv, a)) return rc < 0 ? 0 : rc;

  if (a.command == "version") {
    std::cout << "rig " << kVersion << " (Kubernetes " << rig::k8s::kOldestVersion.str() << " to "
              << rig::k8s::kNewestVersion.str() << ", default " << rig::k8s::kDefaultVersion.str() << ")\n";
    return 0;
  }
  if (a.command == "fmt") return runFormat(a);
  if (a.command != "build" && a.command != "check" && a.command != "explain")
    return usageError("unknown command '" + a.command + "'");
  if (a.inputs.empty()) return usageError("no input files");

  bool toStdout = a.outDir == "-";
  // The directory a build replaces is the previous state of its claims,
  // when rig wrote it (it holds the marker).
  if (a.noPrevious) a.opts.previousOutput.clear();
  else if (a.opts.previousOutput.empty() && a.command == "build" && !toStdout &&
           std::filesystem::exists(std::filesystem::path(a.outDir) / rig::kOutputMarker))
    a.opts.previousOutput = a.outDir;
  if (a.command != "build" || !a.dump.empty()) a.opts.stopAfter = rig::Phase::Verify;
  if (a.dump == "ast") a.opts.stopAfter = rig::Phase::Parse;
  a.opts.streamOnly = toStdout;
  // Nothing here reads the syntax tree after check (`--dump ast` stops
  // after parsing, which keeps it).
  a.opts.dropCheckedSyntax = true;
  // `-o -`: the stream goes out as it is written (emit runs only once the
  // build has passed every check, so nothing is written for a failing one).
  bool writeFailed = false;
  if (toStdout && a.command == "build" && a.dump.empty())
    a.opts.emit.sink = [&writeFailed](llvm::StringRef piece) {
      if (std::fwrite(piece.data(), 1, piece.size(), stdout) != piece.size()) writeFailed = true;
    };

  std::unique_ptr<rig::Compilation> c = rig::compileFiles(a.inputs, a.opts);
  // The process ends right after this run: freeing every tree node one by
  // one would only cost time (clang's -disable-free does the same). Under
  // AddressSanitizer everything is freed so leak checking stays meaningful.
#ifndef __SANITIZE_ADDRESS__
  struct Keep {
    std::unique_ptr<rig::Compilation> &c;
    ~Keep() { (void)c.release(); }
  } keep{c};
#endif

  rig::RenderOptions ro;
  ro.color = a.color == "always" || (a.color == "auto" && isatty(2) && a.diagFormat == rig::DiagnosticFormat::Text);
  const auto &diags = c->diags.all();
  if (!diags.empty() || a.diagFormat != rig::DiagnosticFormat::Text) {
    std::string text = rig::render(a.diagFormat, c->sources, diags, ro);
    if (c->diags.dropped())
      text += "rig: " + std::to_string(c->diags.dropped()) + " more diagnostics not shown\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  bool inputError = c->sources.fileCount() == 0 && !diags.empty() &&
                    diags.front().kind == rig::DiagKind::InputNotFound;
  if (inputError) return 2;

  if (a.dump == "ast") {
    for (const auto &f : c->files) std::cout << rig::ast::dump(f, c->sources);
    return c->ok() ? 0 : 1;
  }
  if (!c->ok()) {
    if (a.diagFormat == rig::DiagnosticFormat::Text)
      std::cerr << c->diags.errorCount() << " error" << (c->diags.errorCount() == 1 ? "" : "s")
                << " generated; nothing was written\n";
    return 1;
  }
  if (a.dump == "model") {
    std::cout << rig::model::dump(c->program);
    return 0;
  }
  if (a.command == "check") return 0;
  if (a.command == "explain") {
    std::cout << rig::explain(c->program, c->verified);
    return 0;
  }
  if (toStdout) {
    for (const std::string &piece : c->outputs.streamPieces) std::fwrite(piece.data(), 1, piece.size(), stdout);
    return std::fflush(stdout) == 0 && !writeFailed ? 0 : 2;
  }
  std::string err = rig::writeOutputDirectory(c->outputs, a.outDir);
  if (!err.empty()) {
    std::cerr << "rig: " << err << "\n";
    return 2;
  }
  if (!a.depfile.empty()) {
    std::ofstream dep(a.depfile, std::ios::binary | std::ios::trunc);
    // Every project file read, imports included: a change to any of them
    // must rebuild. The stdlib is part of the binary.
    std::vector<std::string> read;
    for (const rig::ModuleGraph::Module &m : c->modules.modules)
      if (!m.stdlib) read.push_back(m.path);
    // And the manifests of `--previous DIR` compared with, unless DIR is the
    // output itself (the target cannot depend on what it writes).
    std::error_code ec1, ec2;
    if (!a.opts.previousOutput.empty() &&
        std::filesystem::weakly_canonical(a.opts.previousOutput, ec1) != std::filesystem::weakly_canonical(a.outDir, ec2))
      for (const std::string &f : c->previousFiles) read.push_back(f);
    dep << rig::depfile(a.outDir + "/kustomization.yaml", read);
    if (!dep) {
      std::cerr << "rig: cannot write depfile " << a.depfile << "\n";
      return 2;
    }
  }
  return 0;
}
