#include "compiler/source/source_manager.h"

#include <gtest/gtest.h>

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
