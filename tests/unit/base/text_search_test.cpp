// findInText against std::string_view::find: texts of every length around
// the 16-byte blocks, matches at the text's very end, overlapping and
// repeated candidates, and starting positions past the end.
#include "compiler/base/text_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <string_view>

namespace {

// StringRef::npos itself cannot be bound to EXPECT_EQ's references: LLVM 14
// defines it out of line in its library as well.
constexpr size_t kNotFound = static_cast<size_t>(-1);

size_t expected(std::string_view text, std::string_view needle, size_t from) {
  size_t at = text.find(needle, from);
  return at == std::string_view::npos ? kNotFound : at;
}

TEST(FindInText, AgreesWithStringFindOnRandomTexts) {
  std::mt19937 rng(7);
  // A small alphabet, so that first and last bytes often match where the
  // whole needle does not.
  const std::string alphabet = "ab\n}";
  for (int round = 0; round < 3000; ++round) {
    std::string text(rng() % 80, ' ');
    for (char &c : text) c = alphabet[rng() % alphabet.size()];
    std::string needle(1 + rng() % 6, ' ');
    for (char &c : needle) c = alphabet[rng() % alphabet.size()];
    // In a block of exactly its size, so that the sanitizer build catches
    // a read past the end.
    std::unique_ptr<char[]> exact(new char[text.size()]);
    std::copy(text.begin(), text.end(), exact.get());
    llvm::StringRef inExact(exact.get(), text.size());
    for (size_t from = 0; from <= text.size() + 1; ++from)
      ASSERT_EQ(rig::findInText(inExact, needle, from), expected(text, needle, from))
          << "text '" << text << "' needle '" << needle << "' from " << from;
  }
}

TEST(FindInText, FindsEveryOccurrenceInALongText) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += i % 7 == 0 ? "deployment app {\n}\nnamespace \"x\"\n" : "deployment app {\n}\n";
  size_t count = 0;
  for (size_t at = rig::findInText(text, "namespace"); at != kNotFound;
       at = rig::findInText(text, "namespace", at + 1)) {
    EXPECT_EQ(text.compare(at, 9, "namespace"), 0);
    ++count;
  }
  EXPECT_EQ(count, 286u); // i = 0, 7, …, 1995
}

TEST(FindInText, MatchesThatEndTheText) {
  for (size_t len = 1; len < 40; ++len) {
    std::string text(len, 'x');
    text += "\n}\n";
    EXPECT_EQ(rig::findInText(text, "\n}\n"), len) << len;
    EXPECT_EQ(rig::findInText(text, "}\n"), len + 1) << len;
    EXPECT_EQ(rig::findInText(text, "\n}\n", len + 1), kNotFound) << len;
  }
}

TEST(FindInText, NeedleLongerThanTextOrStartPastTheEnd) {
  EXPECT_EQ(rig::findInText("abc", "abcd"), kNotFound);
  EXPECT_EQ(rig::findInText("", "a"), kNotFound);
  EXPECT_EQ(rig::findInText("abc", "c", 5), kNotFound);
  EXPECT_EQ(rig::findInText("abc", "", 1), 1u);
  EXPECT_EQ(rig::findInText("abc", "", 4), kNotFound);
}

} // namespace
