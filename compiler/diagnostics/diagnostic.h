// Diagnostics are data: a kind from kinds.def (stable code, severity, message
// format), a primary range, labels on related ranges, fix-its and notes.
// Producing them (everywhere) and rendering them (render.h) are separate.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/source/source_manager.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace rig {

enum class Severity { Note, Warning, Error };

enum class DiagKind : uint16_t {
#define DIAG(NAME, CODE, SEVERITY, FORMAT) NAME,
#include "compiler/diagnostics/kinds.def"
#undef DIAG
};

struct DiagKindInfo {
  DiagKind kind;
  llvm::StringRef name;   // e.g. "UnknownField": what golden tests match
  llvm::StringRef code;   // e.g. "E0102": stable across releases
  Severity severity;
  llvm::StringRef format; // fmt format string of the message
};
const DiagKindInfo &diagInfo(DiagKind kind);
llvm::ArrayRef<DiagKindInfo> allDiagKinds();
llvm::StringRef severityName(Severity s);

struct DiagLabel {
  SourceRange range;
  std::string message;
};

// Replace `range` with `replacement` (an insertion when the range is empty).
struct FixIt {
  SourceRange range;
  std::string replacement;
};

struct Diagnostic {
  DiagKind kind;
  Severity severity;
  SourceRange range;
  std::string message;
  std::vector<DiagLabel> labels;
  std::vector<FixIt> fixits;
  std::vector<std::string> notes; // free-standing lines such as "did you mean ...?"

  llvm::StringRef code() const { return diagInfo(kind).code; }
  llvm::StringRef name() const { return diagInfo(kind).name; }

  Diagnostic &label(SourceRange r, std::string msg) {
    labels.push_back({r, std::move(msg)});
    return *this;
  }
  Diagnostic &fix(SourceRange r, std::string replacement) {
    fixits.push_back({r, std::move(replacement)});
    return *this;
  }
  Diagnostic &note(std::string n) {
    notes.push_back(std::move(n));
    return *this;
  }
};

// Collects diagnostics for one compilation. Severities can be raised by
// --werror; the order of reports is kept so output is deterministic.
class Diagnostics {
public:
  template <typename... Args>
  Diagnostic &report(DiagKind kind, SourceRange range, Args &&...args) {
    const DiagKindInfo &info = diagInfo(kind);
    std::string msg = fmt::vformat(fmt::string_view(info.format.data(), info.format.size()),
                                   fmt::make_format_args(args...));
    return add(Diagnostic{kind, info.severity, range, std::move(msg), {}, {}, {}});
  }
  Diagnostic &add(Diagnostic d);

  const std::vector<Diagnostic> &all() const { return diags_; }
  std::vector<Diagnostic> &all() { return diags_; }
  size_t errorCount() const;
  size_t warningCount() const;
  bool hasErrors() const { return errorCount() > 0; }
  void promoteWarningsToErrors();
  // Orders by file, then position, then report order: stable across runs.
  void sortByLocation();
  // Bounds memory on pathological inputs (binary garbage): once the limit is
  // reached further reports are dropped and one note says so.
  void setLimit(size_t limit) { limit_ = limit; }
  size_t dropped() const { return dropped_; }

private:
  std::vector<Diagnostic> diags_;
  Diagnostic overflow_{};
  size_t limit_ = 1000;
  size_t dropped_ = 0;
  size_t droppedErrors_ = 0, droppedWarnings_ = 0; // by severity, for the counts
};

// Closest candidate by edit distance, or "" when nothing is close enough to
// be a plausible typo. Used for every did-you-mean.
std::string closestMatch(llvm::StringRef word, llvm::ArrayRef<std::string> candidates);
std::string closestMatch(llvm::StringRef word, llvm::ArrayRef<llvm::StringRef> candidates);

} // namespace rig
