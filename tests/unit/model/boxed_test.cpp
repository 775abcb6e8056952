// Boxed and Lazy keep model structs plain values: copies are deep, and a
// Lazy reads as the default until written.
#include "compiler/model/boxed.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace rig::model;

TEST(Boxed, CopiesAreDeep) {
  Boxed<std::string> a(std::string("x"));
  Boxed<std::string> b = a;
  *b += "y";
  EXPECT_EQ(*a, "x");
  EXPECT_EQ(*b, "xy");
  Boxed<std::string> empty, c = empty;
  EXPECT_FALSE(c.has_value());
  c = a;
  EXPECT_EQ(*c, "x");
  EXPECT_NE(&*c, &*a);
}

TEST(Lazy, ReadsTheDefaultUntilWrittenAndCopiesDeeply) {
  Lazy<std::vector<int>> a;
  EXPECT_TRUE(a->empty());
  Lazy<std::vector<int>> untouched = a;
  a.mut().push_back(1);
  Lazy<std::vector<int>> b = a;
  b.mut().push_back(2);
  EXPECT_EQ(*a, std::vector<int>{1});
  EXPECT_EQ(*b, (std::vector<int>{1, 2}));
  EXPECT_TRUE(untouched->empty());
  untouched = b;
  EXPECT_EQ(untouched->size(), 2u);
  EXPECT_NE(&*untouched, &*b);
}
