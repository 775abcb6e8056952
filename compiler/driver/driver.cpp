#include "compiler/driver/driver.h"

#include "compiler/base/parallel.h"
#include "compiler/check/early_check.h"
#include "compiler/format/format.h"
#include "compiler/emit/k8s/previous_output.h"
#include "compiler/emit/apparmor/profile_text.h"
#include "llvm/Support/MemoryBuffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <filesystem>

namespace rig {

// Whether the files' top-level `target` declarations leave the version
// what the early check took it to be: none at all when it took the
// default, or else exactly one, `target kubernetes "X.Y"` of that version
// (the line EarlyWorkloadCheck::readTarget read; a line the lexer joins
// to the one before, say, parses as something else).
static bool targetAsChecked(const std::vector<ast::File> &files, const EarlyWorkloadCheck &early) {
  std::vector<const ast::Declaration *> targets;
  for (const ast::File &f : files)
    for (const ast::ItemPtr &it : f.items)
      if (auto *d = llvm::dyn_cast<ast::Declaration>(it.get()); d && d->keyword.name == "target") targets.push_back(d);
  if (!early.targetRead()) return targets.empty();
  if (targets.size() != 1) return false;
  const ast::Word *word = targetVersionWord(*targets[0]);
  std::optional<k8s::Version> v = word ? k8s::parseVersion(word->text) : std::nullopt;
  return v && *v == early.target();
}

namespace {
// Parses the inputs into c.files, in order. Files too small to be cut into
// parts of their own (most projects keep a workload or two per file) are
// parsed several at a time, a file per thread, each into diagnostics of its
// own that are then added in file order: the result is the one parsing
// them one by one gives (tests/unit/driver). With an early check, each
// such file's workloads are checked right there, on its thread, as those
// of a large file are while it is parsed. Larger files are parsed one after
// another, each on every core.
void parseInputs(Compilation &c, const std::vector<FileId> &ids, const ParseOptions &opts, EarlyWorkloadCheck *early) {
  // Below this much text in small files, threads cost more than they save.
  constexpr size_t kParallelBytes = 128 * 1024;
  auto small = [&](FileId id) { return c.sources.text(id).size() < opts.fastBytesPerThread; };
  std::vector<size_t> smallFiles;
  size_t smallBytes = 0;
  for (size_t i = 0; i < ids.size(); ++i)
    if (small(ids[i])) {
      smallFiles.push_back(i);
      smallBytes += c.sources.text(ids[i]).size();
    }
  size_t threads = std::min(threadCount(opts.fastThreads), smallFiles.size());
  std::vector<std::optional<ast::File>> parsed(ids.size());
  std::vector<Diagnostics> reports(ids.size());
  if (threads >= 2 && smallBytes >= kParallelBytes) {
    ParseOptions one = opts;
    one.fastThreads = 1;
    one.itemSink = nullptr; // only files cut into parts reach it
    if (early) early->beginWholeFiles(threads);
    runTasks(threads, smallFiles.size(), [&](size_t t, size_t k) {
      size_t i = smallFiles[k];
      reports[i].setLimit(SIZE_MAX); // added to c.diags below, which applies its limit
      parsed[i] = parse(c.sources, ids[i], reports[i], one);
      if (early && !reports[i].hasErrors()) early->checkWholeFile(t, *parsed[i]);
    });
  }
  c.files.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!parsed[i]) {
      c.files.push_back(parse(c.sources, ids[i], c.diags, opts));
      continue;
    }
    for (Diagnostic &d : reports[i].all()) c.diags.add(std::move(d));
    c.files.push_back(std::move(*parsed[i]));
  }
}

} // namespace

std::unique_ptr<Compilation> compile(std::vector<SourceInput> inputs, const CompileOptions &opts) {
  auto c = std::make_unique<Compilation>();
  std::vector<FileId> ids;
  for (SourceInput &in : inputs)
    ids.push_back(in.buffer ? c->sources.addFile(std::move(in.name), std::move(in.buffer))
                            : c->sources.addFile(std::move(in.name), std::move(in.text)));
  CheckOptions checkOpts;
  checkOpts.target = opts.target;
  checkOpts.modules = &c->modules;
  checkOpts.maxTemplateDepth = opts.maxTemplateDepth;
  checkOpts.maxExpandedItems = opts.maxExpandedItems;
  checkOpts.threads = opts.checkThreads;
  std::unique_ptr<EarlyWorkloadCheck> early;
  ParseOptions parseOpts = opts.parse;
  if (opts.dropCheckedSyntax && opts.stopAfter != Phase::Parse) {
    early = std::make_unique<EarlyWorkloadCheck>(c->sources, checkOpts);
    parseOpts.itemSink = early.get();
    checkOpts.early = early.get();
  }
  // A version set by a plain `target` line is read from the text, so that
  // such files too are checked while parsed.
  if (early && !opts.target) early->readTarget(ids);
  parseInputs(*c, ids, parseOpts, early.get());
  // Imports are followed from the check phase on; a parse-only run (and
  // `--dump ast`) is about the inputs alone.
  if (opts.stopAfter != Phase::Parse) {
    ModuleLoadOptions loadOpts;
    loadOpts.root = opts.root;
    loadOpts.parse = opts.parse;
    loadOpts.readFile = opts.readFile;
    c->modules = loadModules(c->files, c->sources, c->diags, loadOpts);
  }
  // Workloads checked during the parse assumed the default version, or the
  // one of a plain `target` line, when the command line set none; any
  // other `target` (in another file, or a module) decides otherwise, so
  // those files are parsed again, the usual way.
  if (early && !opts.target && !early->files().empty() && !targetAsChecked(c->files, *early)) {
    for (FileId id : early->files())
      for (ast::File &f : c->files)
        if (f.id == id) f = parse(c->sources, id, c->diags, opts.parse);
    early->clear();
  }
  auto finish = [&]() {
    if (opts.werror) c->diags.promoteWarningsToErrors();
    c->diags.sortByLocation();
    return std::move(c);
  };
  if (opts.stopAfter == Phase::Parse) return finish();
  // Checking a file that failed to parse would mostly repeat its syntax
  // errors as semantic ones; check only when parsing was clean.
  if (c->diags.hasErrors()) return finish();
  std::vector<const ast::File *> files;
  for (const ast::File &f : c->files) files.push_back(&f);
  if (!opts.previousOutput.empty()) {
    std::string err;
    if (!emit::readPreviousClaims(opts.previousOutput, checkOpts.previousClaims, err, &c->previousFiles))
      c->diags.report(DiagKind::PreviousOutputUnreadable, SourceRange{}, opts.previousOutput, err);
  }
  c->program = check(files, c->sources, c->diags, checkOpts);
  if (opts.stopAfter == Phase::Check || c->diags.hasErrors()) return finish();
  c->verified = verify::verify(c->program, c->diags, opts.verify);
  if (opts.stopAfter == Phase::Verify) return finish();
  if (opts.werror && c->diags.warningCount() > 0) return finish();
  if (!c->diags.hasErrors()) {
    c->outputs = emit::emitKubernetes(c->program, opts.emit, opts.streamOnly);
    // Profile texts go beside the manifests, not into kustomization.yaml.
    if (!opts.streamOnly) {
      for (emit::OutputFile &f : emit::appArmorProfileFiles(c->program)) c->outputs.files.push_back(std::move(f));
      std::sort(c->outputs.files.begin(), c->outputs.files.end(),
                [](const emit::OutputFile &a, const emit::OutputFile &b) { return a.path < b.path; });
    }
  }
  return finish();
}

verify::VerifyResult verifyCompilation(const Compilation &c, Diagnostics &diags, const CompileOptions &opts) {
  if (c.diags.hasErrors()) return {};
  verify::VerifyResult r = verify::verify(c.program, diags, opts.verify);
  if (opts.werror) diags.promoteWarningsToErrors();
  diags.sortByLocation();
  return r;
}

std::unique_ptr<Compilation> compileFiles(const std::vector<std::string> &paths, const CompileOptions &opts) {
  // The files, in order: a directory stands for the .rig files directly in
  // it, in name order. A directory without any stays in the list, marked,
  // so that what is reported comes in the order of the arguments.
  std::vector<std::string> files;
  std::vector<char> emptyDirectory;
  for (const std::string &p : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(p, ec)) {
      files.push_back(p);
      continue;
    }
    size_t first = files.size();
    for (const auto &e : std::filesystem::directory_iterator(p, ec))
      if (e.path().extension() == ".rig" && e.is_regular_file()) files.push_back(e.path().string());
    std::sort(files.begin() + static_cast<std::ptrdiff_t>(first), files.end());
    if (files.size() == first) {
      files.push_back(p);
      emptyDirectory.resize(files.size(), 0);
      emptyDirectory.back() = 1;
    }
  }
  emptyDirectory.resize(files.size(), 0);
  std::vector<std::shared_ptr<const llvm::MemoryBuffer>> buffers(files.size());
  auto read = [&](size_t i) {
    if (emptyDirectory[i]) return;
    // Mapped into memory rather than read into a string: a large input is
    // then neither zeroed nor copied before the parser reads it. (LLVM maps
    // regular files of 16 KiB and more; smaller ones, pipes and devices it
    // reads to the end.)
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
        llvm::MemoryBuffer::getFile(files[i], /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!buffer) return;
    // The parse threads would each fault the mapped pages in as they reach
    // them; one call maps them all at once (Linux 5.14+; elsewhere a no-op).
#ifdef MADV_POPULATE_READ
    if ((*buffer)->getBufferSize() >= 16384) {
      uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
      uintptr_t start = reinterpret_cast<uintptr_t>((*buffer)->getBufferStart()) & ~(page - 1);
      uintptr_t end = reinterpret_cast<uintptr_t>((*buffer)->getBufferEnd());
      (void)madvise(reinterpret_cast<void *>(start), end - start, MADV_POPULATE_READ);
    }
#endif
    buffers[i] = std::shared_ptr<const llvm::MemoryBuffer>(std::move(*buffer));
  };
  // A file is half a dozen system calls: a folder of many small files is
  // read on every core.
  constexpr size_t kFilesPerThread = 64;
  size_t threads = std::min(threadCount(opts.parse.fastThreads), files.size() / kFilesPerThread);
  runTasks(std::max<size_t>(threads, 1), files.size(), [&](size_t, size_t i) { read(i); });
  std::vector<SourceInput> inputs;
  std::vector<std::pair<std::string, std::string>> unreadable;
  inputs.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    if (emptyDirectory[i]) unreadable.emplace_back(files[i], "the directory has no .rig file");
    else if (!buffers[i]) unreadable.emplace_back(files[i], "no such file or not readable");
    else inputs.push_back({files[i], std::string(), std::move(buffers[i])});
  }
  if (!unreadable.empty()) {
    auto c = std::make_unique<Compilation>();
    for (auto &[p, why] : unreadable) c->diags.report(DiagKind::InputNotFound, SourceRange{}, p, why);
    return c;
  }
  return compile(std::move(inputs), opts);
}

std::unique_ptr<Formatted> formatSource(SourceInput input, const ParseOptions &opts) {
  auto f = std::make_unique<Formatted>();
  FileId id = f->sources.addFile(std::move(input.name), std::move(input.text));
  ast::File file = parse(f->sources, id, f->diags, opts);
  if (f->diags.hasErrors()) return f;
  f->text = format(file, f->sources);
  return f;
}

std::string depfile(const std::string &target, const std::vector<std::string> &inputs) {
  auto escape = [](const std::string &s) {
    std::string o;
    for (char ch : s) {
      if (ch == ' ' || ch == '#') o += '\\';
      if (ch == '$') o += '$';
      o += ch;
    }
    return o;
  };
  std::string out = escape(target) + ":";
  for (const std::string &i : inputs) {
    out += ' ';
    out += escape(i);
  }
  return out + "\n";
}

} // namespace rig
