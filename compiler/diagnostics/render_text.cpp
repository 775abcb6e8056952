#include "compiler/diagnostics/render.h"

#include <algorithm>

namespace rig {

namespace {

struct Painter {
  bool color;
  std::string paint(llvm::StringRef code, llvm::StringRef text) const {
    if (!color) return text.str();
    return fmt::format("\x1b[{}m{}\x1b[0m", code.str(), text.str());
  }
};

llvm::StringRef severityColor(Severity s) {
  switch (s) {
  case Severity::Error: return "1;31";
  case Severity::Warning: return "1;35";
  case Severity::Note: return "1;36";
  }
  return "1";
}

// Tabs are shown as single spaces so the caret line lines up.
std::string displayLine(llvm::StringRef line) {
  std::string s = line.str();
  std::replace(s.begin(), s.end(), '\t', ' ');
  return s;
}

void renderSnippet(std::string &out, const SourceManager &sm, SourceRange r, const Painter &p,
                   const FixIt *fix) {
  if (!r.valid()) return;
  LineColumn lc = sm.lineColumn(r.file, r.begin);
  llvm::StringRef line = sm.lineText(r.file, lc.line);
  // Very long lines (minified or generated input) are cut around the caret.
  constexpr size_t kMaxShown = 160;
  size_t start = 0;
  if (line.size() > kMaxShown && lc.column > kMaxShown / 2) start = lc.column - 1 - kMaxShown / 2;
  llvm::StringRef shown = line.substr(start, kMaxShown);
  out += "    " + displayLine(shown) + "\n";
  size_t col = lc.column - 1 - start;
  uint32_t lineEnd = sm.lineStart(r.file, lc.line) + line.size();
  size_t len = std::max<uint32_t>(1, std::min(r.end, lineEnd) - std::min(r.begin, lineEnd));
  len = std::min(len, shown.size() > col ? shown.size() - col : size_t(1));
  std::string caret(col, ' ');
  caret += '^';
  if (len > 1) caret += std::string(len - 1, '~');
  out += "    " + p.paint("1;32", caret) + "\n";
  if (fix && fix->range.file == r.file && sm.lineColumn(fix->range.file, fix->range.begin).line == lc.line) {
    size_t fixCol = sm.lineColumn(fix->range.file, fix->range.begin).column - 1;
    if (fixCol >= start && fix->replacement.find('\n') == std::string::npos)
      out += "    " + std::string(fixCol - start, ' ') + p.paint("32", fix->replacement) + "\n";
  }
}

std::string location(const SourceManager &sm, SourceRange r) {
  if (!r.valid()) return "rig";
  LineColumn lc = sm.lineColumn(r.file, r.begin);
  return fmt::format("{}:{}:{}", sm.name(r.file).str(), lc.line, lc.column);
}

} // namespace

std::string renderText(const SourceManager &sm, llvm::ArrayRef<Diagnostic> diags,
                       const RenderOptions &opts) {
  Painter p{opts.color};
  std::string out;
  for (const Diagnostic &d : diags) {
    std::string tag = d.code().str();
    if (opts.showKindNames) tag += " " + d.name().str();
    out += p.paint("1", location(sm, d.range) + ": ");
    out += p.paint(severityColor(d.severity), severityName(d.severity).str() + ":");
    out += " " + p.paint("1", d.message) + " [" + tag + "]\n";
    renderSnippet(out, sm, d.range, p, d.fixits.empty() ? nullptr : &d.fixits.front());
    for (const DiagLabel &l : d.labels) {
      out += p.paint("1", location(sm, l.range) + ": ") + p.paint(severityColor(Severity::Note), "note:") +
             " " + l.message + "\n";
      renderSnippet(out, sm, l.range, p, nullptr);
    }
    for (const std::string &n : d.notes) out += "  " + p.paint(severityColor(Severity::Note), "note:") + " " + n + "\n";
  }
  return out;
}

std::string render(DiagnosticFormat format, const SourceManager &sm,
                   llvm::ArrayRef<Diagnostic> diags, const RenderOptions &opts) {
  switch (format) {
  case DiagnosticFormat::Text: return renderText(sm, diags, opts);
  case DiagnosticFormat::Json: return renderJson(sm, diags);
  case DiagnosticFormat::Sarif: return renderSarif(sm, diags, "0.1.0");
  }
  return {};
}

} // namespace rig
