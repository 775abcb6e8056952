#include "compiler/source/source_manager.h"

#include <gtest/gtest.h>
#include <random>
#include <thread>
#include <vector>

#include "llvm/Support/MemoryBuffer.h"

using namespace rig;

TEST(SourceManager, LineAndColumnAreOneBased) {
  SourceManager sm;
  FileId f = sm.addFile("a.rig", "ab\ncd\n\nef");
  EXPECT_EQ(sm.lineColumn(f, 0).line, 1u);
  EXPECT_EQ(sm.lineColumn(f, 0).column, 1u);
  EXPECT_EQ(sm.lineColumn(f, 4).line, 2u);
  EXPECT_EQ(sm.lineColumn(f, 4).column, 2u);
  EXPECT_EQ(sm.lineColumn(f, 7).line, 4u);
  EXPECT_EQ(sm.lineText(f, 2), "cd");
  EXPECT_EQ(sm.lineText(f, 3), "");
  EXPECT_EQ(sm.lineCount(f), 4u);
  // Offsets past the end clamp instead of crashing.
  EXPECT_EQ(sm.lineColumn(f, 999).line, 4u);
  EXPECT_EQ(sm.lineText(f, 99), "");
}

TEST(SourceManager, Utf16PositionsCountSurrogatePairs) {
  SourceManager sm;
  // "é" is 2 bytes / 1 UTF-16 unit; "😀" is 4 bytes / 2 units.
  FileId f = sm.addFile("u.rig", "x = \"é😀z\"\n");
  uint32_t z = static_cast<uint32_t>(std::string("x = \"é😀").size());
  auto p = sm.toUtf16(f, z);
  EXPECT_EQ(p.line, 0u);
  EXPECT_EQ(p.character, 8u); // x,space,=,space,",é,😀(2) = 8
  EXPECT_EQ(sm.fromUtf16(f, p), z);
  // Out-of-range positions clamp.
  EXPECT_EQ(sm.fromUtf16(f, {0, 999}), static_cast<uint32_t>(std::string("x = \"é😀z\"").size()));
  EXPECT_EQ(sm.fromUtf16(f, {99, 0}), sm.text(f).size());
}

TEST(SourceManager, ReplaceTextRecomputesLines) {
  SourceManager sm;
  FileId f = sm.addFile("a.rig", "one line");
  sm.replaceText(f, "two\nlines");
  EXPECT_EQ(sm.lineCount(f), 2u);
  EXPECT_EQ(sm.lineText(f, 2), "lines");
}

TEST(SourceManager, TextCanLiveInABuffer) {
  // compileFiles maps input files; the text is the buffer's, not a copy.
  SourceManager sm;
  std::shared_ptr<const llvm::MemoryBuffer> buffer =
      llvm::MemoryBuffer::getMemBufferCopy("ab\ncd\n\nef", "b.rig");
  FileId f = sm.addFile("b.rig", buffer);
  EXPECT_EQ(sm.text(f).data(), buffer->getBufferStart());
  EXPECT_EQ(sm.name(f), "b.rig");
  EXPECT_EQ(sm.lineCount(f), 4u);
  EXPECT_EQ(sm.lineText(f, 2), "cd");
  EXPECT_EQ(sm.lineColumn(f, 8).line, 4u);
  // Replacing it (the language server) drops the buffer and its lines;
  // the name stays where it was.
  const char *nameBefore = sm.name(f).data();
  sm.replaceText(f, "x");
  EXPECT_EQ(sm.text(f), "x");
  EXPECT_EQ(sm.lineCount(f), 1u);
  EXPECT_EQ(sm.name(f).data(), nameBefore);
}

TEST(SourceManager, LinesAreFoundOnceWhenThreadsAskTogether) {
  SourceManager sm;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";
  FileId f = sm.addFile("many.rig", text);
  std::vector<std::thread> threads;
  std::vector<uint32_t> seen(4);
  for (size_t t = 0; t < seen.size(); ++t)
    threads.emplace_back([&, t] { seen[t] = sm.lineColumn(f, static_cast<uint32_t>(text.size() - 3)).line; });
  for (std::thread &t : threads) t.join();
  for (uint32_t line : seen) EXPECT_EQ(line, 20000u);
}

// UTF-16 positions on long lines come from checkpoints every few hundred
// bytes (counting from the line start each time was quadratic); they must
// be the positions a count from the line start gives, everywhere, and
// fromUtf16 must invert them. Random text: ASCII, two-, three- and
// four-byte characters, lines from empty to several thousand bytes, LF
// and CRLF.
TEST(SourceManager, Utf16PositionsOnLongLinesMatchACountFromTheLineStart) {
  std::mt19937 rng(20261130);
  const char *pieces[] = {"a", "b ", "\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\x98\x80", "\n", "\r\n", "xyz"};
  for (int round = 0; round < 20; ++round) {
    std::string text;
    int length = std::uniform_int_distribution<int>(0, 6000)(rng);
    bool longLines = round % 2 == 0; // few newlines: lines far longer than a checkpoint step
    while (static_cast<int>(text.size()) < length) {
      size_t k = std::uniform_int_distribution<size_t>(0, 7)(rng);
      if ((k == 5 || k == 6) && longLines && rng() % 40 != 0) k = 0;
      text += pieces[k];
    }
    SourceManager sm;
    FileId f = sm.addFile("t.rig", text);
    // The reference: count from the line start.
    uint32_t line = 0, units = 0;
    for (uint32_t offset = 0; offset <= text.size(); ++offset) {
      bool atLineEnd = offset < text.size() && (text[offset] == '\n' || (text[offset] == '\r' && offset + 1 < text.size() && text[offset + 1] == '\n'));
      SourceManager::Utf16Position p = sm.toUtf16(f, offset);
      EXPECT_EQ(p.line, line) << "round " << round << " offset " << offset;
      EXPECT_EQ(p.character, units) << "round " << round << " offset " << offset;
      bool charStart = offset == text.size() || (static_cast<unsigned char>(text[offset]) & 0xC0) != 0x80;
      if (charStart && !(offset > 0 && text[offset - 1] == '\r' && offset < text.size() && text[offset] == '\n')) {
        EXPECT_EQ(sm.fromUtf16(f, p), offset) << "round " << round << " offset " << offset;
      }
      if (offset == text.size()) break;
      unsigned char c = static_cast<unsigned char>(text[offset]);
      if (text[offset] == '\n') {
        ++line;
        units = 0;
      } else if (!atLineEnd && (c & 0xC0) != 0x80) {
        units += c >= 0xF0 ? 2 : 1;
      }
    }
  }
}
