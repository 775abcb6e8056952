#include "compiler/diagnostics/render.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Unicode.h"

#include <algorithm>
#include <vector>

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

// Text as a terminal can show it safely, and where each byte of it lands.
// Printable text stays as it is (a wide character takes two columns); a
// tab becomes one space so that the caret line lines up; what a terminal
// would act on or cannot show — control characters (escape sequences
// included), invisible formatting such as bidirectional overrides, bytes
// that are not UTF-8 — is spelled out as <U+XXXX> or <XX>, as clang does.
struct Shown {
  std::string text;
  std::vector<size_t> column; // the display column where each byte starts, then the end's
};

Shown show(llvm::StringRef bytes) {
  Shown out;
  out.column.reserve(bytes.size() + 1);
  size_t col = 0;
  for (size_t i = 0; i < bytes.size();) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    size_t n = 1;
    std::string piece;
    size_t width = 1;
    if (c == '\t') {
      piece = " ";
    } else if (c < 0x20 || c == 0x7f) {
      piece = fmt::format("<U+{:04X}>", c);
      width = piece.size();
    } else if (c < 0x80) {
      piece = std::string(1, static_cast<char>(c));
    } else {
      n = static_cast<size_t>(llvm::getNumBytesForUTF8(c));
      const auto *seq = reinterpret_cast<const llvm::UTF8 *>(bytes.data() + i);
      llvm::UTF32 cp = 0;
      const llvm::UTF8 *from = seq;
      llvm::UTF32 *to = &cp;
      if (n < 2 || n > 4 || i + n > bytes.size() || !llvm::isLegalUTF8Sequence(seq, seq + n) ||
          llvm::ConvertUTF8toUTF32(&from, seq + n, &to, &cp + 1, llvm::strictConversion) != llvm::conversionOK) {
        n = 1;
        piece = fmt::format("<{:02X}>", c);
        width = piece.size();
      } else if (!llvm::sys::unicode::isPrintable(static_cast<int>(cp))) {
        piece = fmt::format("<U+{:04X}>", cp);
        width = piece.size();
      } else {
        piece = bytes.substr(i, n).str();
        int w = llvm::sys::unicode::columnWidthUTF8(piece);
        width = w > 0 ? static_cast<size_t>(w) : 0;
      }
    }
    for (size_t k = 0; k < n; ++k) out.column.push_back(col);
    out.text += piece;
    col += width;
    i += n;
  }
  out.column.push_back(col);
  return out;
}

// Where a multi-byte character starts, at or before `at`.
size_t characterStart(llvm::StringRef line, size_t at) {
  while (at > 0 && at < line.size() && (static_cast<unsigned char>(line[at]) & 0xC0) == 0x80) --at;
  return at;
}

void renderSnippet(std::string &out, const SourceManager &sm, SourceRange r, const Painter &p,
                   const FixIt *fix) {
  if (!r.valid()) return;
  LineColumn lc = sm.lineColumn(r.file, r.begin);
  llvm::StringRef line = sm.lineText(r.file, lc.line);
  // Very long lines (minified or generated input) are cut around the caret,
  // between characters.
  constexpr size_t kMaxShown = 160;
  size_t start = 0;
  if (line.size() > kMaxShown && lc.column > kMaxShown / 2) start = characterStart(line, lc.column - 1 - kMaxShown / 2);
  size_t stop = std::min(line.size(), start + kMaxShown);
  if (stop < line.size()) stop = characterStart(line, stop);
  llvm::StringRef bytes = line.slice(start, stop);
  Shown shown = show(bytes);
  out += "    " + shown.text + "\n";
  // The range's bytes on this line, within what is shown.
  size_t first = std::min<size_t>(lc.column - 1 - start, bytes.size());
  uint32_t lineStart = sm.lineStart(r.file, lc.line);
  size_t last = std::min<size_t>(std::max<uint32_t>(r.end, r.begin + 1) - lineStart, stop) - start;
  last = std::max(last, first + 1);
  size_t col = shown.column[first];
  size_t end = last <= bytes.size() ? shown.column[last] : shown.column[bytes.size()] + (last - bytes.size());
  std::string caret(col, ' ');
  caret += '^';
  if (end > col + 1) caret += std::string(end - col - 1, '~');
  out += "    " + p.paint("1;32", caret) + "\n";
  if (fix && fix->range.file == r.file && sm.lineColumn(fix->range.file, fix->range.begin).line == lc.line) {
    size_t fixByte = sm.lineColumn(fix->range.file, fix->range.begin).column - 1;
    if (fixByte >= start && fixByte <= stop && fix->replacement.find('\n') == std::string::npos)
      out += "    " + std::string(shown.column[fixByte - start], ' ') + p.paint("32", show(fix->replacement).text) + "\n";
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
    out += " " + p.paint("1", show(d.message).text) + " [" + tag + "]\n";
    renderSnippet(out, sm, d.range, p, d.fixits.empty() ? nullptr : &d.fixits.front());
    for (const DiagLabel &l : d.labels) {
      out += p.paint("1", location(sm, l.range) + ": ") + p.paint(severityColor(Severity::Note), "note:") +
             " " + show(l.message).text + "\n";
      renderSnippet(out, sm, l.range, p, nullptr);
    }
    for (const std::string &n : d.notes)
      out += "  " + p.paint(severityColor(Severity::Note), "note:") + " " + show(n).text + "\n";
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
