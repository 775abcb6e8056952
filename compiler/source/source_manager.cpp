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
  f.linesFound.store(false, std::memory_order_release);
}

const std::vector<uint32_t> &SourceManager::lines(const File &f) const {
  if (!f.linesFound.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(f.linesMutex);
    if (!f.linesFound.load(std::memory_order_relaxed)) {
      f.lineStarts = computeLineStarts(f.text);
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

// UTF-16 length of the UTF-8 sequence starting with lead byte `c`.
static unsigned utf16Units(unsigned char c) { return c >= 0xF0 ? 2 : 1; }
static bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

SourceManager::Utf16Position SourceManager::toUtf16(FileId id, uint32_t offset) const {
  LineColumn lc = lineColumn(id, offset);
  llvm::StringRef line = lineText(id, lc.line);
  uint32_t bytes = std::min<uint32_t>(lc.column - 1, line.size());
  uint32_t units = 0;
  for (uint32_t i = 0; i < bytes; ++i) {
    unsigned char c = line[i];
    if (!isContinuation(c)) units += utf16Units(c);
  }
  return {lc.line - 1, units};
}

uint32_t SourceManager::fromUtf16(FileId id, Utf16Position pos) const {
  const File &f = file(id);
  const std::vector<uint32_t> &starts = lines(f);
  if (pos.line >= starts.size()) return static_cast<uint32_t>(f.text.size());
  llvm::StringRef line = lineText(id, pos.line + 1);
  uint32_t units = 0, i = 0;
  while (i < line.size() && units < pos.character) {
    unsigned char c = line[i];
    units += utf16Units(c);
    ++i;
    while (i < line.size() && isContinuation(line[i])) ++i;
  }
  return starts[pos.line] + i;
}

} // namespace rig
