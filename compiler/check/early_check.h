// Checking workloads while their file is still being parsed
// (CompileOptions::dropCheckedSyntax, which `rig build`, `check` and
// `explain` set: they need the model, not the syntax tree). A large file
// hands its items over part by part as the parse threads make them (the
// ast::ItemSink calls); a small one, parsed whole on one of several threads
// (a folder of files), right after its parse (checkWholeFile).
//
// Why: in a large build the syntax tree was the biggest thing in memory
// (about 6.6 KB per workload, twelve times the text), all of it alive until
// check, and every page of it fresh memory the kernel had to zero. Checked
// right after it is parsed, a workload's body can be freed at once, and the
// next one is parsed into the same memory.
//
// Why it is sound: a workload's check depends only on its declaration, its
// namespace and the target version (check()'s own parallel pass relies on
// this too). In a plain file, one that never says `import`, `let`,
// `template`, `for` or `if`, nothing is expanded. The words are looked for
// in the raw text, comments and strings included: a file that merely
// mentions one takes the usual path, which gives the same result. So does
// a file that says `namespace` in any way but one: a single
// `namespace "name"` line before any block, whose workloads are all in that
// namespace, read from the text before parsing. (check() takes a result
// only if it was checked in the namespace check() itself gets to.) The
// target must be known before parsing too: the command line's, or that of
// the inputs' one plain `target kubernetes "X.Y"` line (readTarget), or the
// default when no input says `target`. Any other `target`, in an input or
// a module, and the driver parses the files again, the usual way.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "compiler/ast/item_sink.h"
#include "compiler/check/check.h"

namespace rig {

namespace sema {
struct PrecheckedWorkloads;
}

class EarlyWorkloadCheck final : public ast::ItemSink {
public:
  // `opts` is what check() will get later; it must outlive this object.
  EarlyWorkloadCheck(const SourceManager &sm, const CheckOptions &opts);
  ~EarlyWorkloadCheck() override;

  bool acceptsText(llvm::StringRef partText) const override;
  void beginFile(FileId file, size_t parts, size_t threads, size_t bytes) override;
  void beginPart(size_t thread, size_t part) override;
  void item(size_t thread, size_t part, ast::Item &item) override;
  bool dropsBody(const ast::Declaration &header) const override;
  void endPart(size_t thread, size_t part) override;
  void endFile(FileId file, bool kept) override;

  // For files parsed whole, several at a time on different threads (the
  // driver's small files): beginWholeFiles once, with the number of
  // threads, then for each file, on thread `thread` in [0, threads),
  // checkWholeFile checks the workloads of `file` (parsed without a syntax
  // error) if its text is plain, freeing their bodies; it returns whether
  // it did. The threads may call it at the same time, one file each.
  void beginWholeFiles(size_t threads);
  bool checkWholeFile(size_t thread, ast::File &file);

  // The files whose workloads were checked here, and their bodies freed.
  std::vector<FileId> files() const;
  // Before any file is parsed, when the command line sets no version:
  // takes the version from the inputs' texts when they set it the one
  // plain way, a single `target kubernetes "X.Y"` line (on a line of its
  // own, before any block, comment or text block, a supported version, and
  // the word nowhere else in any input). Returns whether it did; the
  // inputs' `target` word then no longer sends them down the usual path.
  // The driver still checks, once parsed, that the declaration is the one
  // the text promised (targetDeclaredAsRead), and re-parses if not.
  bool readTarget(llvm::ArrayRef<FileId> files);
  // Whether the version came from a `target` line (readTarget).
  bool targetRead() const { return targetRead_; }
  // The version the workloads were checked for.
  k8s::Version target() const { return target_; }
  // Forgets every result; the driver then parses those files again.
  void clear();

  // For check(): moves out the results for the files of `files` that have
  // any, in that order, as its main loop will meet them.
  void take(llvm::ArrayRef<const ast::File *> files, sema::PrecheckedWorkloads &out);

private:
  struct ThreadState;
  struct PartState;
  struct FileState;
  // The workloads of a parsed file, in file order (see the definition).
  static std::vector<model::Workload> inFileOrder(FileState &file);
  // Whether `text` has none of the words that make a file more than plain;
  // `nsWord` is where the file's plain namespace line has its `namespace`
  // (plainFileNamespace), null when it has none.
  static bool isPlainText(llvm::StringRef text, bool targetFixed, const char *nsWord);
  // Checks one top-level item of `file`, read by `ts` as part of `part`.
  static void checkItem(FileState &file, ThreadState &ts, PartState &part, ast::Item &item);
  const SourceManager &sm_;
  const CheckOptions &opts_;
  k8s::Version target_;
  bool targetKnown_;       // the command line set it, or readTarget read it
  bool targetRead_ = false; // readTarget read it
  std::unique_ptr<FileState> parsing_;               // between beginFile and endFile
  std::vector<std::unique_ptr<FileState>> done_;     // kept files, in the order they were finished
  std::mutex doneMutex_;                             // checkWholeFile runs on several threads
  std::vector<std::unique_ptr<ThreadState>> wholeThreads_; // checkWholeFile's, one per thread
};

} // namespace rig
