// The one way the compiler spreads work over cores: a thread count from an
// option, and a fan-out that runs part 0 on the calling thread. Parse,
// check and emit each split their input into contiguous parts and join the
// results in order, so output never depends on the thread count.
#pragma once

#include <cstddef>
#include <functional>

namespace rig {

// The threads to use when the caller asked for `requested`: that many, or
// for 0 one per core, at most 8.
size_t threadCount(unsigned requested);

// Runs work(0) … work(parts - 1), part 0 on this thread and each other part
// on a thread of its own; returns when every part is done.
void runParts(size_t parts, const std::function<void(size_t)> &work);

// Runs work(thread, task) for every task in [0, tasks) on `threads` threads
// (runParts), each taking the next task as soon as it is free, so that a
// thread that runs slower simply does fewer. For many small independent
// tasks whose results the caller keeps in per-task slots.
void runTasks(size_t threads, size_t tasks, const std::function<void(size_t thread, size_t task)> &work);

} // namespace rig
