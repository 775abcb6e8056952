#include "compiler/base/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace rig {

size_t threadCount(unsigned requested) {
  if (requested) return requested;
  // Asked once: glibc reads /sys/devices/system/cpu/online every time, and
  // a build of a thousand small files asks twice per file.
  static const unsigned cores = std::thread::hardware_concurrency();
  return std::min(std::max(1u, cores), 8u);
}

void runParts(size_t parts, const std::function<void(size_t)> &work) {
  std::vector<std::thread> workers;
  for (size_t p = 1; p < parts; ++p) workers.emplace_back(work, p);
  if (parts > 0) work(0);
  for (std::thread &w : workers) w.join();
}

void runTasks(size_t threads, size_t tasks, const std::function<void(size_t thread, size_t task)> &work) {
  std::atomic<size_t> next{0};
  runParts(threads, [&](size_t t) {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < tasks;) work(t, i);
  });
}

} // namespace rig
