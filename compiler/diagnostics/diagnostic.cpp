#include "compiler/diagnostics/diagnostic.h"

#include <algorithm>

namespace rig {

static const DiagKindInfo kInfos[] = {
#define DIAG(NAME, CODE, SEVERITY, FORMAT) {DiagKind::NAME, #NAME, CODE, Severity::SEVERITY, FORMAT},
#include "compiler/diagnostics/kinds.def"
#undef DIAG
};

const DiagKindInfo &diagInfo(DiagKind kind) { return kInfos[static_cast<size_t>(kind)]; }
llvm::ArrayRef<DiagKindInfo> allDiagKinds() { return kInfos; }

llvm::StringRef severityName(Severity s) {
  switch (s) {
  case Severity::Note: return "note";
  case Severity::Warning: return "warning";
  case Severity::Error: return "error";
  }
  return "error";
}

Diagnostic &Diagnostics::add(Diagnostic d) {
  if (diags_.size() >= limit_) {
    ++dropped_;
    if (d.severity == Severity::Error) ++droppedErrors_;
    else if (d.severity == Severity::Warning) ++droppedWarnings_;
    overflow_ = std::move(d);
    return overflow_;
  }
  diags_.push_back(std::move(d));
  return diags_.back();
}

size_t Diagnostics::errorCount() const {
  size_t n = std::count_if(diags_.begin(), diags_.end(),
                           [](const Diagnostic &d) { return d.severity == Severity::Error; });
  // Dropped errors still count: a run that hit the limit must never be
  // mistaken for a clean one. Dropped notes and warnings do not fail it.
  return n + droppedErrors_;
}

size_t Diagnostics::warningCount() const {
  return droppedWarnings_ + std::count_if(diags_.begin(), diags_.end(),
                                          [](const Diagnostic &d) { return d.severity == Severity::Warning; });
}

void Diagnostics::promoteWarningsToErrors() {
  for (Diagnostic &d : diags_)
    if (d.severity == Severity::Warning) d.severity = Severity::Error;
  droppedErrors_ += droppedWarnings_;
  droppedWarnings_ = 0;
}

void Diagnostics::sortByLocation() {
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic &a, const Diagnostic &b) {
    if (a.range.file != b.range.file) return a.range.file < b.range.file;
    return a.range.begin < b.range.begin;
  });
}

static unsigned editDistance(llvm::StringRef a, llvm::StringRef b) {
  return a.edit_distance(b, /*AllowReplacements=*/true, /*MaxEditDistance=*/0);
}

template <typename Range>
static std::string closestImpl(llvm::StringRef word, const Range &candidates) {
  std::string best;
  unsigned bestDistance = ~0u;
  // A typo changes at most about a third of a word; beyond that a suggestion
  // is noise rather than help.
  unsigned limit = std::max<unsigned>(1, (word.size() + 2) / 3);
  for (const auto &c : candidates) {
    llvm::StringRef cand(c);
    if (cand == word) continue;
    unsigned d = editDistance(word.lower(), cand.lower());
    if (d <= limit && d < bestDistance) {
      bestDistance = d;
      best = cand.str();
    }
  }
  return best;
}

std::string closestMatch(llvm::StringRef word, llvm::ArrayRef<std::string> candidates) {
  return closestImpl(word, candidates);
}
std::string closestMatch(llvm::StringRef word, llvm::ArrayRef<llvm::StringRef> candidates) {
  return closestImpl(word, candidates);
}

} // namespace rig
