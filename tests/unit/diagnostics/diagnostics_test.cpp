#include "compiler/diagnostics/render.h"

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
