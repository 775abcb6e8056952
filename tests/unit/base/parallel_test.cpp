// runParts and runTasks: every part and task runs once, the parts run on
// threads of their own, and a part's thread may use every CPU the caller
// may (it starts away from the caller's CPU and must get the whole set
// back), also when the caller is held to one CPU.
#include "compiler/base/parallel.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace {

TEST(RunParts, RunsEveryPartOnceEachOnItsOwnThread) {
  constexpr size_t kParts = 6;
  std::vector<std::atomic<int>> runs(kParts);
  std::mutex m;
  std::set<std::thread::id> ids;
  rig::runParts(kParts, [&](size_t p) {
    runs[p].fetch_add(1);
    std::lock_guard<std::mutex> lock(m);
    ids.insert(std::this_thread::get_id());
  });
  for (size_t p = 0; p < kParts; ++p) EXPECT_EQ(runs[p].load(), 1) << p;
  EXPECT_EQ(ids.size(), kParts);
  EXPECT_TRUE(ids.count(std::this_thread::get_id())) << "part 0 runs on the calling thread";
}

TEST(RunParts, NoPartsRunsNothing) {
  bool ran = false;
  rig::runParts(0, [&](size_t) { ran = true; });
  EXPECT_FALSE(ran);
}

TEST(RunParts, PartsMayUseEveryCpuTheCallerMay) {
  cpu_set_t caller;
  ASSERT_EQ(sched_getaffinity(0, sizeof caller, &caller), 0);
  std::vector<cpu_set_t> seen(4);
  rig::runParts(seen.size(), [&](size_t p) { sched_getaffinity(0, sizeof seen[p], &seen[p]); });
  for (size_t p = 0; p < seen.size(); ++p) EXPECT_TRUE(CPU_EQUAL(&seen[p], &caller)) << "part " << p;
}

TEST(RunParts, CallerHeldToOneCpu) {
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof all, &all), 0);
  int first = 0;
  while (!CPU_ISSET(first, &all)) ++first;
  // On a thread of its own, so that this test's process keeps its set.
  std::thread([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
    std::vector<cpu_set_t> seen(3);
    rig::runParts(seen.size(), [&](size_t p) { sched_getaffinity(0, sizeof seen[p], &seen[p]); });
    for (size_t p = 0; p < seen.size(); ++p) EXPECT_TRUE(CPU_EQUAL(&seen[p], &one)) << "part " << p;
  }).join();
}

TEST(RunTasks, EveryTaskOnceWhateverTheThreads) {
  for (size_t threads : {1u, 2u, 5u}) {
    std::vector<std::atomic<int>> runs(1000);
    rig::runTasks(threads, runs.size(), [&](size_t t, size_t i) {
      EXPECT_LT(t, threads);
      runs[i].fetch_add(1);
    });
    for (size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(runs[i].load(), 1) << threads << " threads, task " << i;
  }
}

} // namespace
