#include "compiler/base/parallel.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace rig {

size_t threadCount(unsigned requested) {
  if (requested) return requested;
  return std::min(std::max(1u, std::thread::hardware_concurrency()), 8u);
}

void runParts(size_t parts, const std::function<void(size_t)> &work) {
  std::vector<std::thread> workers;
  for (size_t p = 1; p < parts; ++p) workers.emplace_back(work, p);
  if (parts > 0) work(0);
  for (std::thread &w : workers) w.join();
}

} // namespace rig
