#include "compiler/base/parallel.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sched.h>

namespace rig {

size_t threadCount(unsigned requested) {
  if (requested) return requested;
  // Asked once: glibc reads /sys/devices/system/cpu/online every time, and
  // a build of a thousand small files asks twice per file.
  static const unsigned cores = std::thread::hardware_concurrency();
  return std::min(std::max(1u, cores), 8u);
}

namespace {

// Where a fan-out's threads start. Linux starts a new thread on the CPU of
// the thread that made it and moves it only when it balances load, and a
// kernel that packs work onto few CPUs (the 2-vCPU virtual machines the
// benchmarks run on boot with sched_vcpu_pack, which spares the host) kept
// it queued there behind its maker: in half of the traced runs a part
// started only when the calling thread had finished its own, 3 to 4 ms
// late, while the other CPU idled. So each thread starts on a CPU other
// than the caller's, when the process may use one, and takes back the
// whole set as soon as it runs (the kernel may then move it as it likes).
// A 1,000-workload build went from 8.2 to 7.2 ms (hyperfine, 300 runs each,
// mean, with the allocator's prefault thread removed in the same change).
struct Placement {
  cpu_set_t allowed;   // what the process may use
  cpu_set_t elsewhere; // that, less the caller's CPU
  bool place = false;  // false: start where the scheduler likes

  Placement() {
    CPU_ZERO(&allowed);
    CPU_ZERO(&elsewhere);
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;
    elsewhere = allowed;
    int here = sched_getcpu();
    if (here < 0 || here >= CPU_SETSIZE) return;
    CPU_CLR(here, &elsewhere);
    place = CPU_COUNT(&elsewhere) > 0;
  }
};

struct Start {
  const std::function<void(size_t)> *work;
  size_t part;
  cpu_set_t allowed;
  bool placed;
};

void *runStart(void *arg) {
  std::unique_ptr<Start> s(static_cast<Start *>(arg));
  if (s->placed) (void)sched_setaffinity(0, sizeof s->allowed, &s->allowed);
  (*s->work)(s->part);
  return nullptr;
}

// Starts work(part) on a new thread placed as `where` says (or where the
// scheduler likes, if the placement is refused); false if no thread could
// be started.
bool startPart(const Placement &where, const std::function<void(size_t)> &work, size_t part, pthread_t &thread) {
  for (bool place : {where.place, false}) {
    auto start = std::make_unique<Start>(Start{&work, part, where.allowed, place});
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return false;
    // glibc applies the set before the thread first runs, and fails the
    // creation if the kernel refuses it (a sandbox may).
    if (place) (void)pthread_attr_setaffinity_np(&attr, sizeof where.elsewhere, &where.elsewhere);
    int rc = pthread_create(&thread, &attr, runStart, start.get());
    pthread_attr_destroy(&attr);
    if (rc == 0) {
      (void)start.release(); // the thread's now
      return true;
    }
    if (!place) return false;
  }
  return false;
}

} // namespace

void runParts(size_t parts, const std::function<void(size_t)> &work) {
  if (parts == 0) return;
  std::vector<pthread_t> threads;
  std::vector<size_t> here{0};
  if (parts > 1) {
    Placement where;
    threads.reserve(parts - 1);
    for (size_t p = 1; p < parts; ++p) {
      pthread_t thread;
      // Without a thread (resources exhausted) the part runs here.
      if (startPart(where, work, p, thread)) threads.push_back(thread);
      else here.push_back(p);
    }
  }
  for (size_t p : here) work(p);
  for (pthread_t thread : threads) pthread_join(thread, nullptr);
}

void runTasks(size_t threads, size_t tasks, const std::function<void(size_t thread, size_t task)> &work) {
  std::atomic<size_t> next{0};
  runParts(threads, [&](size_t t) {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < tasks;) work(t, i);
  });
}

} // namespace rig
