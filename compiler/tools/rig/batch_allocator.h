// The allocator of the one-shot commands; see batch_allocator.cpp for why.
#pragma once

#include <cstddef>

namespace rig {

// Routes small allocations from now on to the batch allocator. Returns false
// (and changes nothing) when it is compiled out (sanitizers) or the address
// space could not be reserved. Call it once, early, from a single thread.
bool enableBatchAllocator();

// Whether `p` was handed out by the batch allocator (for its tests).
bool isBatchAllocated(const void *p);

// How many times the calling thread and the threads that have ended reset
// their scratch memory (base/scratch.h) so far (for its tests).
size_t scratchResets();

} // namespace rig
