// SourceManager owns the text of every file in a compilation and turns byte
// offsets into lines and columns (bytes for humans, UTF-16 for LSP).
#pragma once

#include <cstdint>
#include <memory>
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"

namespace llvm {
class MemoryBuffer;
}

namespace rig {

// A file known to the SourceManager. Id 0 is reserved for "no file".
struct FileId {
  uint32_t value = 0;
  bool valid() const { return value != 0; }
  friend bool operator==(FileId a, FileId b) { return a.value == b.value; }
  friend bool operator!=(FileId a, FileId b) { return a.value != b.value; }
  friend bool operator<(FileId a, FileId b) { return a.value < b.value; }
};

// A half-open byte range [begin, end) in one file.
struct SourceRange {
  FileId file;
  uint32_t begin = 0;
  uint32_t end = 0;
  bool valid() const { return file.valid(); }
  static SourceRange join(SourceRange a, SourceRange b) {
    if (!a.valid()) return b;
    if (!b.valid() || a.file != b.file) return a;
    return {a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
  }
};

// 1-based line and column; the column counts bytes.
struct LineColumn {
  uint32_t line = 1;
  uint32_t column = 1;
};

class SourceManager {
public:
  // Adds a file and returns its id. `name` is what diagnostics show.
  FileId addFile(std::string name, std::string text);
  // The same for text held by `buffer`: a file mapped into memory is used
  // where it is, not copied (for a large input, the copy was megabytes of
  // fresh memory the kernel zeroes first).
  FileId addFile(std::string name, std::shared_ptr<const llvm::MemoryBuffer> buffer);
  // Replaces the text of an existing file (used by the language server).
  void replaceText(FileId id, std::string text);

  llvm::StringRef name(FileId id) const;
  llvm::StringRef text(FileId id) const;
  size_t fileCount() const { return files_.size(); }

  LineColumn lineColumn(FileId id, uint32_t offset) const;
  // The text of a 1-based line, without its line terminator.
  llvm::StringRef lineText(FileId id, uint32_t line) const;
  uint32_t lineCount(FileId id) const;
  // Byte offset of a 1-based line's start; clamps to the end of the file.
  uint32_t lineStart(FileId id, uint32_t line) const;

  // LSP positions: 0-based line, UTF-16 code units within the line.
  struct Utf16Position { uint32_t line = 0; uint32_t character = 0; };
  Utf16Position toUtf16(FileId id, uint32_t offset) const;
  // Clamps out-of-range positions to the nearest valid offset.
  uint32_t fromUtf16(FileId id, Utf16Position pos) const;

private:
  struct File {
    std::string name;
    llvm::StringRef text; // ownText's or buffer's
    std::string ownText;
    std::shared_ptr<const llvm::MemoryBuffer> buffer;
    // Where each line starts, found the first time anything asks: a build
    // without diagnostics never does (check threads may ask at once).
    mutable std::atomic<bool> linesFound{false};
    mutable std::mutex linesMutex;
    mutable std::vector<uint32_t> lineStarts;
    // For UTF-16 positions (found with the lines): whether the text is all
    // ASCII, where a position's UTF-16 column is its byte column; else, at
    // every kUtf16Step bytes of the text, the UTF-16 units from the start
    // of that offset's line up to it, so that no conversion counts more
    // than kUtf16Step bytes (counting from the line start was quadratic
    // in a file of one long line, the language server's semantic tokens).
    mutable bool ascii = true;
    mutable std::vector<uint32_t> utf16At;
  };
  static constexpr uint32_t kUtf16Step = 256;
  // UTF-16 units in the bytes [from, to) of a line, counting from a
  // character start or a checkpoint.
  static uint32_t utf16Units(llvm::StringRef text, uint32_t from, uint32_t to);
  const File &file(FileId id) const;
  const std::vector<uint32_t> &lines(const File &f) const;
  static std::vector<uint32_t> computeLineStarts(llvm::StringRef text);
  std::vector<std::unique_ptr<File>> files_;
};

} // namespace rig
