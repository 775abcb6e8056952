#include "compiler/source/source_manager.h"

#include <cstring>

#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cassert>

namespace rig {

FileId SourceManager::addFile(std::string name, std::string text) {
  auto f = std::make_unique<File>();
  f->name = std::move(name);
  f->ownText = std::move(text);
  f->text = f->ownText;
  files_.push_back(std::move(f));
  return FileId{static_cast<uint32_t>(files_.size())};
}

FileId SourceManager::addFile(std::string name, std::shared_ptr<const llvm::MemoryBuffer> buffer) {
  auto f = std::make_unique<File>();
  f->name = std::move(name);
  f->text = buffer->getBuffer();
  f->buffer = std::move(buffer);
  files_.push_back(std::move(f));
  return FileId{static_cast<uint32_t>(files_.size())};
}

void SourceManager::replaceText(FileId id, std::string text) {
  assert(id.valid() && id.value <= files_.size());
  File &f = *files_[id.value - 1];
  f.ownText = std::move(text);
  f.text = f.ownText;
  f.buffer.reset();
  f.lineStarts.clear();
  f.utf16At.clear();
  f.ascii = true;
  f.linesFound.store(false, std::memory_order_release);
}

// UTF-16 length of the UTF-8 sequence starting with lead byte `c`.
static unsigned utf16UnitsOfLead(unsigned char c) { return c >= 0xF0 ? 2 : 1; }
static bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

uint32_t SourceManager::utf16Units(llvm::StringRef text, uint32_t from, uint32_t to) {
  uint32_t units = 0;
  for (uint32_t i = from; i < to; ++i) {
    unsigned char c = text[i];
    if (!isContinuation(c)) units += utf16UnitsOfLead(c);
  }
  return units;
}

const std::vector<uint32_t> &SourceManager::lines(const File &f) const {
  if (!f.linesFound.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(f.linesMutex);
    if (!f.linesFound.load(std::memory_order_relaxed)) {
      f.lineStarts = computeLineStarts(f.text);
      f.ascii = std::none_of(f.text.begin(), f.text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
      if (!f.ascii) {
        // Checkpoint k is at byte k * kUtf16Step; each counts on from the
        // one before, or from its line's start.
        f.utf16At.assign(f.text.size() / kUtf16Step + 1, 0);
        size_t line = 0;
        for (size_t k = 1; k < f.utf16At.size(); ++k) {
          uint32_t at = static_cast<uint32_t>(k * kUtf16Step), before = at - kUtf16Step;
          while (line + 1 < f.lineStarts.size() && f.lineStarts[line + 1] <= at) ++line;
          uint32_t from = std::max(before, f.lineStarts[line]);
          f.utf16At[k] = (from == before ? f.utf16At[k - 1] : 0) + utf16Units(f.text, from, at);
        }
      }
      f.linesFound.store(true, std::memory_order_release);
    }
  }
  return f.lineStarts;
}

std::vector<uint32_t> SourceManager::computeLineStarts(llvm::StringRef text) {
  std::vector<uint32_t> starts{0};
  // memchr skips a line's bytes many at a time; lines average some 25
  // bytes, so this is a few times faster than testing byte by byte.
  const char *begin = text.data(), *end = begin + text.size();
  for (const char *p = begin; p < end;) {
    const char *nl = static_cast<const char *>(std::memchr(p, '\n', end - p));
    if (!nl) break;
    starts.push_back(static_cast<uint32_t>(nl - begin + 1));
    p = nl + 1;
  }
  return starts;
}

const SourceManager::File &SourceManager::file(FileId id) const {
  assert(id.valid() && id.value <= files_.size());
  return *files_[id.value - 1];
}

llvm::StringRef SourceManager::name(FileId id) const { return file(id).name; }
llvm::StringRef SourceManager::text(FileId id) const { return file(id).text; }

LineColumn SourceManager::lineColumn(FileId id, uint32_t offset) const {
  const File &f = file(id);
  const std::vector<uint32_t> &starts = lines(f);
  offset = std::min<uint32_t>(offset, f.text.size());
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - starts.begin());
  return {line, offset - starts[line - 1] + 1};
}

uint32_t SourceManager::lineCount(FileId id) const {
  return static_cast<uint32_t>(lines(file(id)).size());
}

uint32_t SourceManager::lineStart(FileId id, uint32_t line) const {
  const File &f = file(id);
  const std::vector<uint32_t> &starts = lines(f);
  if (line == 0) return 0;
  if (line > starts.size()) return static_cast<uint32_t>(f.text.size());
  return starts[line - 1];
}

llvm::StringRef SourceManager::lineText(FileId id, uint32_t line) const {
  const File &f = file(id);
  const std::vector<uint32_t> &starts = lines(f);
  if (line == 0 || line > starts.size()) return {};
  uint32_t begin = starts[line - 1];
  uint32_t end = line < starts.size() ? starts[line] : f.text.size();
  llvm::StringRef s(f.text.data() + begin, end - begin);
  return s.rtrim("\r\n");
}

SourceManager::Utf16Position SourceManager::toUtf16(FileId id, uint32_t offset) const {
  const File &f = file(id);
  LineColumn lc = lineColumn(id, offset);
  llvm::StringRef line = lineText(id, lc.line);
  uint32_t bytes = std::min<uint32_t>(lc.column - 1, line.size());
  if (f.ascii) return {lc.line - 1, bytes};
  uint32_t begin = lineStart(id, lc.line), end = begin + bytes;
  // From the last checkpoint in the line before `end`, if there is one.
  uint32_t k = end / kUtf16Step;
  if (k * kUtf16Step > begin) return {lc.line - 1, f.utf16At[k] + utf16Units(f.text, k * kUtf16Step, end)};
  return {lc.line - 1, utf16Units(f.text, begin, end)};
}

uint32_t SourceManager::fromUtf16(FileId id, Utf16Position pos) const {
  const File &f = file(id);
  const std::vector<uint32_t> &starts = lines(f);
  if (pos.line >= starts.size()) return static_cast<uint32_t>(f.text.size());
  llvm::StringRef line = lineText(id, pos.line + 1);
  uint32_t begin = starts[pos.line];
  if (f.ascii) return begin + std::min<uint32_t>(pos.character, line.size());
  uint32_t units = 0, i = 0;
  // Start from the last checkpoint in the line not past the position: the
  // checkpoints of a line count up, so a binary search finds it. One in the
  // middle of a character counted that character already.
  uint32_t firstK = (begin + kUtf16Step - 1) / kUtf16Step, endK = (begin + line.size()) / kUtf16Step + 1;
  if (firstK < endK && firstK * kUtf16Step < begin + line.size()) {
    auto from = f.utf16At.begin() + firstK, to = f.utf16At.begin() + std::min<size_t>(endK, f.utf16At.size());
    auto after = std::upper_bound(from, to, pos.character);
    if (after != from) {
      uint32_t k = static_cast<uint32_t>(after - f.utf16At.begin()) - 1;
      if (k * kUtf16Step < begin + line.size()) {
        units = f.utf16At[k];
        i = k * kUtf16Step - begin;
        while (i < line.size() && isContinuation(line[i])) ++i;
      }
    }
  }
  while (i < line.size() && units < pos.character) {
    unsigned char c = line[i];
    units += utf16UnitsOfLead(c);
    ++i;
    while (i < line.size() && isContinuation(line[i])) ++i;
  }
  return begin + i;
}

} // namespace rig
