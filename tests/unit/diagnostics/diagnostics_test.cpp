#include "compiler/diagnostics/render.h"
#include "llvm/Support/ConvertUTF.h"

#include <set>

#include <gtest/gtest.h>

using namespace rig;

TEST(Diagnostics, KindsHaveUniqueCodesAndLowercaseMessages) {
  std::set<std::string> codes;
  for (const DiagKindInfo &k : allDiagKinds()) {
    EXPECT_TRUE(codes.insert(k.code.str()).second) << "duplicate code " << k.code.str();
    ASSERT_FALSE(k.format.empty());
    EXPECT_FALSE(k.format.endswith(".")) << k.name.str() << ": no trailing period";
    char first = k.format.front();
    EXPECT_FALSE(first >= 'A' && first <= 'Z' && k.format.substr(0, 10) != "Kubernetes") << k.name.str() << ": lowercase";
    char sev = k.code.front();
    EXPECT_EQ(sev, k.severity == Severity::Error ? 'E' : k.severity == Severity::Warning ? 'W' : 'N') << k.name.str();
  }
}

TEST(Diagnostics, TextRenderingHasLocationCaretAndFix) {
  SourceManager sm;
  FileId f = sm.addFile("a.rig", "pod p {\n  imgae = \"x\"\n}\n");
  Diagnostics diags;
  diags.report(DiagKind::UnknownField, SourceRange{f, 10, 15}, "imgae", "a pod").fix(SourceRange{f, 10, 15}, "image").note("did you mean `image`?");
  std::string text = renderText(sm, diags.all());
  EXPECT_EQ(text,
            "a.rig:2:3: error: unknown field `imgae` in a pod [E0102]\n"
            "      imgae = \"x\"\n"
            "      ^~~~~\n"
            "      image\n"
            "  note: did you mean `image`?\n");
}

TEST(Diagnostics, TextRenderingLinesTheCaretUpWithWhatIsShown) {
  // Each character before the range takes its own width: a two-byte `é`
  // one column, a three-byte `日` two (a wide character), a tab one.
  SourceManager sm;
  std::string line = "x = \"caf\xC3\xA9 \xE6\x97\xA5\"\t imgae = 1";
  FileId f = sm.addFile("a.rig", line + "\n");
  uint32_t at = static_cast<uint32_t>(line.find("imgae"));
  Diagnostics diags;
  diags.report(DiagKind::UnknownField, SourceRange{f, at, at + 5}, "imgae", "a pod").fix(SourceRange{f, at, at + 5}, "image");
  EXPECT_EQ(renderText(sm, diags.all()), "a.rig:1:18: error: unknown field `imgae` in a pod [E0102]\n"
                                          "    x = \"caf\xC3\xA9 \xE6\x97\xA5\"  imgae = 1\n"
                                          "                   ^~~~~\n"
                                          "                   image\n");
}

TEST(Diagnostics, TextRenderingSpellsOutWhatATerminalWouldActOn) {
  // Control characters (an escape sequence would recolour the terminal), a
  // bidirectional override and bytes that are not UTF-8 are written out,
  // in the line and in the message; the caret spans what stands for them.
  SourceManager sm;
  std::string line = "a\x1b[31m \xE2\x80\xAE \xB1 bad";
  FileId f = sm.addFile("a.rig", line + "\n");
  Diagnostics diags;
  diags.report(DiagKind::InvalidImage, SourceRange{f, 1, 2}, "a\x1b[31m", "test");
  diags.report(DiagKind::InvalidImage, SourceRange{f, 11, 12}, "x", "test");
  diags.report(DiagKind::InvalidImage, SourceRange{f, 13, 16}, "bad", "test");
  std::string text = renderText(sm, diags.all());
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_EQ(text.find("\xE2\x80\xAE"), std::string::npos) << text;
  EXPECT_EQ(text,
            "a.rig:1:2: error: image `a<U+001B>[31m` is not a valid image reference: test [E0321]\n"
            "    a<U+001B>[31m <U+202E> <B1> bad\n"
            "     ^~~~~~~~\n"
            "a.rig:1:12: error: image `x` is not a valid image reference: test [E0321]\n"
            "    a<U+001B>[31m <U+202E> <B1> bad\n"
            "                           ^~~~\n"
            "a.rig:1:14: error: image `bad` is not a valid image reference: test [E0321]\n"
            "    a<U+001B>[31m <U+202E> <B1> bad\n"
            "                                ^~~\n");
}

TEST(Diagnostics, LongLinesAreCutBetweenCharacters) {
  // The window around the caret starts and ends on character boundaries.
  SourceManager sm;
  std::string eAcutes;
  for (int i = 0; i < 200; ++i) eAcutes += "\xC3\xA9"; // é, two bytes each
  std::string line = eAcutes + " imgae " + eAcutes;
  FileId f = sm.addFile("a.rig", line + "\n");
  uint32_t at = static_cast<uint32_t>(line.find("imgae"));
  // From the space before `imgae` the window's end falls inside an `é`;
  // from the last byte of the `é` before it, its start does.
  for (uint32_t begin : {at - 1, at - 2}) {
    Diagnostics diags;
    diags.report(DiagKind::UnknownField, SourceRange{f, begin, at + 5}, "imgae", "a pod");
    std::string text = renderText(sm, diags.all());
    const auto *bytes = reinterpret_cast<const llvm::UTF8 *>(text.data());
    EXPECT_TRUE(llvm::isLegalUTF8String(&bytes, bytes + text.size())) << "a character was cut in two: " << text;
    EXPECT_EQ(text.find('<'), std::string::npos) << text;
    EXPECT_NE(text.find("\xC3\xA9 imgae \xC3\xA9"), std::string::npos) << text;
  }
}

TEST(Diagnostics, JsonAndSarifCarryCodesAndRanges) {
  SourceManager sm;
  FileId f = sm.addFile("a.rig", "pod p {}\n");
  Diagnostics diags;
  diags.report(DiagKind::NoContainers, SourceRange{f, 4, 5}, "pod", "p");
  std::string json = renderJson(sm, diags.all());
  EXPECT_NE(json.find("\"code\": \"E0315\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"line\": 1"), std::string::npos);
  std::string sarif = renderSarif(sm, diags.all(), "test");
  EXPECT_NE(sarif.find("\"ruleId\": \"E0315\""), std::string::npos);
  EXPECT_NE(sarif.find("\"startColumn\": 5"), std::string::npos);
}

TEST(Diagnostics, WerrorPromotesWarnings) {
  Diagnostics diags;
  diags.report(DiagKind::UnusedVolume, SourceRange{}, "v");
  EXPECT_FALSE(diags.hasErrors());
  diags.promoteWarningsToErrors();
  EXPECT_TRUE(diags.hasErrors());
}

TEST(Diagnostics, LimitBoundsMemoryButStillCountsErrors) {
  Diagnostics diags;
  diags.setLimit(3);
  for (int i = 0; i < 10; ++i) diags.report(DiagKind::SyntaxError, SourceRange{}, "x");
  EXPECT_EQ(diags.all().size(), 3u);
  EXPECT_EQ(diags.dropped(), 7u);
  EXPECT_EQ(diags.errorCount(), 10u);
}

TEST(Diagnostics, ClosestMatchFindsTyposOnly) {
  std::vector<std::string> names = {"image", "command", "args", "liveness", "readiness"};
  EXPECT_EQ(closestMatch("imgae", names), "image");
  EXPECT_EQ(closestMatch("readines", names), "readiness");
  EXPECT_EQ(closestMatch("zzzzzz", names), "");
  EXPECT_EQ(closestMatch("image", names), ""); // an exact match is not a suggestion
}
