#include "compiler/base/flat_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

using rig::FlatMap;

TEST(FlatMap, BehavesLikeStdMapUnderRandomOperations) {
  std::mt19937 rng(11);
  FlatMap<std::string, int> flat;
  std::map<std::string, int> tree;
  for (int step = 0; step < 20000; ++step) {
    std::string key = "k" + std::to_string(rng() % 64);
    switch (rng() % 5) {
    case 0: EXPECT_EQ(flat.emplace(key, step).second, tree.emplace(key, step).second); break;
    case 1: flat[key] += step; tree[key] += step; break;
    case 2: EXPECT_EQ(flat.erase(key), tree.erase(key)); break;
    case 3: flat.insert_or_assign(key, -step); tree.insert_or_assign(key, -step); break;
    default: {
      auto f = flat.find(key);
      auto t = tree.find(key);
      ASSERT_EQ(f == flat.end(), t == tree.end());
      if (t != tree.end()) {
        EXPECT_EQ(f->second, t->second);
      }
    }
    }
    ASSERT_EQ(flat.size(), tree.size());
  }
  // Same entries, same (sorted) order.
  auto t = tree.begin();
  for (const auto &[k, v] : flat) {
    ASSERT_NE(t, tree.end());
    EXPECT_EQ(k, t->first);
    EXPECT_EQ(v, t->second);
    ++t;
  }
}

TEST(FlatMap, LooksUpWithoutMakingAKeyAndNeverOverwritesOnEmplace) {
  FlatMap<std::string, std::string> m{{"memory", "1Gi"}, {"cpu", "1"}};
  EXPECT_EQ(m.begin()->first, "cpu");
  EXPECT_NE(m.find("memory"), m.end()); // a const char* key
  EXPECT_EQ(m.count("gpu"), 0u);
  EXPECT_EQ(m.size(), 2u);
  EXPECT_FALSE(m.emplace("cpu", "2").second);
  EXPECT_EQ(m.at("cpu"), "1");
  EXPECT_THROW(m.at("gpu"), std::out_of_range);
  FlatMap<std::string, std::string> copy = m;
  EXPECT_EQ(copy, m);
  copy["gpu"] = "1";
  EXPECT_NE(copy, m);
}
