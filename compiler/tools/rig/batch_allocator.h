// The allocator of the one-shot commands; see batch_allocator.cpp for why.
#pragma once

#include <cstddef>

namespace rig {

// Routes small allocations from now on to the batch allocator. Returns false
// (and changes nothing) when it is compiled out (sanitizers) or the address
// space could not be reserved. Call it once, early, from a single thread.
bool enableBatchAllocator();

// Has another thread fault in, now, the region's first `bytes` (in whole
// huge pages, up to 64 MiB; the first huge page is left to the caller,
// which is already allocating there): zeroing fresh pages is the largest
// single cost of a short build, and this takes it off the building
// thread's path onto an otherwise idle core. A build of 1,000 workloads ran about a fifth
// faster. A guess too low costs nothing (the build faults in the rest
// itself); one too high costs the other core's time and that much more
// resident memory. Does nothing on one core or when the allocator is off.
void prefaultBatchMemory(size_t bytes);

// Whether `p` was handed out by the batch allocator (for its tests).
bool isBatchAllocated(const void *p);
// For its tests: how much of the region's first `bytes` is resident.
size_t batchResidentBytes(size_t bytes);

} // namespace rig
