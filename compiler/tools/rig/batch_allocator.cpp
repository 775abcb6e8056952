// The allocator of one-shot commands (`rig build`, `check`, `explain`,
// `fmt`): replaces the global operator new/delete of the binary.
//
// Why: a build allocates millions of small objects (syntax tree, model,
// manifest trees) and exits. With glibc's malloc a third of a large build
// went to malloc/free bookkeeping and to the kernel faulting in and zeroing
// 4 KiB pages one at a time. Here small blocks come from size-class spans
// carved out of one reserved, transparent-huge-page region: allocation is a
// free-list pop or a pointer bump, a page fault brings in 2 MiB at once.
//
// How it stays safe:
// - It is off until `enableBatchAllocator()` runs (main does it for the
//   one-shot commands only). Until then, and for the language server, every
//   request goes to malloc. Blocks are told apart on delete by address: a
//   block inside the region is ours, anything else goes to free(), so memory
//   allocated before the switch (static initialisers) is released correctly.
// - Freed blocks are reused (per-thread free lists per size class), so peak
//   memory stays at what the program holds, not what it ever allocated. A
//   block freed on another thread joins that thread's list.
// - A thread that ends hands its lists and its partly used spans to the next
//   thread that starts allocating. Each phase (parse, check, emit) runs on
//   fresh worker threads; without the hand-over every one of them would open
//   a span per size class again, and each new span is memory the kernel
//   must fault in and zero.
// - Blocks over kMaxSmall bytes (growing vectors, the output text) come
//   from the same region in four sizes per doubling, so they too are faulted in
//   2 MiB at a time instead of 4 KiB; freed ones wait on global lists for
//   the next block of their size. They are few, so those lists take a lock.
// - Blocks over kMaxBig bytes, over-aligned requests, and everything once
//   the region is exhausted or could not be reserved, go to malloc.
// - Sanitizer builds keep the runtime's allocator (it is how they find bugs).
// - It provides scratch memory (base/scratch.h): while a thread has it on,
//   its blocks come from chunks of spans of its own, handed out by a bump
//   pointer that a reset moves back to the first chunk; freeing one does
//   nothing.
#include "compiler/tools/rig/batch_allocator.h"

#include "compiler/base/scratch.h"

#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define RIG_BATCH_ALLOCATOR 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RIG_BATCH_ALLOCATOR 0
#endif
#endif
#ifndef RIG_BATCH_ALLOCATOR
#define RIG_BATCH_ALLOCATOR 1
#endif

namespace {

constexpr size_t kGranule = 16;                // every block is 16-byte aligned
constexpr size_t kFineMax = 1024;              // 16-byte steps up to here,
constexpr size_t kMaxSmall = 64 * 1024;        // then four steps per doubling; larger: big blocks
constexpr size_t kFineClasses = kFineMax / kGranule + 1;
constexpr size_t kClasses = kFineClasses + 6 * 4; // 1 KiB → 64 KiB in 6 doublings
constexpr size_t kSpanShift = 14;              // 16 KiB spans, each of one size class;
                                               // a class of larger blocks takes several at once
constexpr size_t kSpanSize = size_t(1) << kSpanShift;
constexpr size_t kRegionSize = size_t(32) << 30; // 32 GiB of address space, reserved not committed
constexpr size_t kSpans = kRegionSize / kSpanSize;

// Big blocks: above 64 KiB up to 1 GiB, four sizes per doubling (80, 96,
// 112, 128 KiB, 160 KiB, …, 1 GiB), so a block is at most a quarter larger
// than asked for (powers of two wasted up to half: a 680 KiB list took
// 1 MiB of fresh span). Their first span is marked kBigClassBase + the
// class in spanClass.
constexpr unsigned kBigMinLog = 17, kBigMaxLog = 30;
constexpr unsigned kBigClasses = (kBigMaxLog - kBigMinLog + 1) * 4;
constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kMaxBig = size_t(1) << kBigMaxLog;
constexpr unsigned kBigClassBase = 128;
static_assert(kClasses < kBigClassBase && kBigClassBase + kBigClasses <= 256, "span classes fit a byte");
// Every span of a scratch chunk is marked with this class.
constexpr unsigned kScratchClass = kBigClassBase - 1;
static_assert(kClasses < kScratchClass, "the scratch class is no size class");
// Scratch chunks: at least 64 KiB (a workload's syntax tree is a few KiB),
// and at most this many per thread; past that, scratch requests are
// ordinary blocks (which a reset does not reclaim).
constexpr size_t kScratchChunkSpans = 4;
constexpr size_t kMaxScratchChunks = 32;

// The big class of a request of kMaxSmall < size <= kMaxBig bytes, and the
// size of that class's blocks: (5..8) × 2^(log - 3) for the doubling
// (2^(log-1), 2^log] the size falls in, a multiple of the span size.
inline unsigned bigClassOf(size_t size) {
  unsigned log = 64 - __builtin_clzll(size - 1); // ceil(log2(size)), 17..30
  unsigned shift = log - 3;
  size_t steps = (size + (size_t(1) << shift) - 1) >> shift; // 5..8
  return (log - kBigMinLog) * 4 + static_cast<unsigned>(steps - 5);
}
inline size_t bigClassSize(unsigned cls) { return size_t(5 + cls % 4) << (kBigMinLog + cls / 4 - 3); }
static_assert((size_t(5) << (kBigMinLog - 3)) % kSpanSize == 0, "big blocks are whole spans");

// The size of each class's blocks, computed once.
struct ClassSizes {
  size_t size[kClasses];
  constexpr ClassSizes() : size() {
    for (size_t c = 0; c < kFineClasses; ++c) size[c] = c * kGranule;
    size_t c = kFineClasses;
    for (size_t base = kFineMax; base < kMaxSmall; base *= 2)
      for (size_t step = 1; step <= 4; ++step) size[c++] = base + base / 4 * step;
  }
};
constexpr ClassSizes classSizes;

inline size_t classOf(size_t size) {
  if (size <= kFineMax) return size == 0 ? 1 : (size + kGranule - 1) / kGranule;
  // Above 1 KiB: the doubling (0 for 1–2 KiB) and the quarter within it.
  unsigned log = 63 - __builtin_clzll(size - 1); // floor(log2(size - 1)), ≥ 10
  size_t base = size_t(1) << log;
  size_t quarter = (size - 1 - base) >> (log - 2); // 0..3
  return kFineClasses + (log - 10) * 4 + quarter;
}

char *regionBase = nullptr;
std::atomic<size_t> nextSpan{0};
std::atomic<bool> enabled{false};
// The size class of every span handed out; written once when the span is
// claimed, before any block of it can reach another thread.
uint8_t spanClass[kSpans];

struct FreeBlock {
  FreeBlock *next;
};

struct ScratchChunk {
  char *begin;
  size_t size;
};

struct ThreadCache {
  FreeBlock *free[kClasses] = {};
  char *bump[kClasses] = {};
  char *end[kClasses] = {};
  bool started = false; // adopted a finished thread's cache, or found none
  // Scratch memory: the chunks in the order they were claimed, the one in
  // use and the free room in it. (Handed over with the rest when the
  // thread ends; whether scratch is on is the thread's own, below.)
  ScratchChunk chunks[kMaxScratchChunks] = {};
  size_t chunkCount = 0, chunk = 0;
  char *scratchBump = nullptr, *scratchEnd = nullptr;
};
thread_local ThreadCache cache;
thread_local bool scratchOn = false;
// Resets counted for the tests: per thread (a shared counter would be a
// cache line the parse threads pass back and forth at every workload),
// added to the total when the thread ends.
thread_local size_t threadResets = 0;
std::atomic<size_t> finishedResets{0};

// Caches of finished threads, waiting for a new thread to adopt them.
constexpr size_t kMaxParked = 64;
std::mutex parkedMutex;
ThreadCache parked[kMaxParked];
size_t parkedCount = 0;

// Parks the thread's cache when the thread ends. The thread's own cache is
// left empty, so a free that still runs on it afterwards (a later
// thread-local destructor) only leaks that block instead of racing with the
// adopter.
struct CacheParker {
  ~CacheParker() {
    finishedResets.fetch_add(threadResets, std::memory_order_relaxed);
    threadResets = 0;
    std::lock_guard<std::mutex> lock(parkedMutex);
    if (parkedCount == kMaxParked) return;
    parked[parkedCount++] = cache;
    cache = ThreadCache{};
    cache.started = true;
  }
};

// Scratch memory is handed out again from the first chunk.
void rewindScratch(ThreadCache &tc) {
  if (tc.chunkCount == 0) return;
  tc.chunk = 0;
  tc.scratchBump = tc.chunks[0].begin;
  tc.scratchEnd = tc.chunks[0].begin + tc.chunks[0].size;
}

// The first time a thread runs out of blocks: take a parked cache if any,
// and arrange for this thread's own to be parked when it ends. (Blocks the
// thread freed before this point were blocks of other threads; dropping
// them from its empty lists only leaks them.)
void startThreadCache(ThreadCache &tc) {
  tc.started = true;
  {
    std::lock_guard<std::mutex> lock(parkedMutex);
    if (parkedCount > 0) tc = parked[--parkedCount];
    tc.started = true;
  }
  // Nothing of a finished thread's scratch memory is in use.
  rewindScratch(tc);
  static thread_local CacheParker parker;
  (void)&parker;
}

inline bool ours(const void *p) {
  // One compare for the range (a pointer below the region wraps around to
  // a large offset).
  return regionBase && reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(regionBase) < kRegionSize;
}

// A class with neither a free block nor room left in its span: a new span
// (or, the first time on a thread, a finished thread's cache). Kept out of
// line so that the common path below is a leaf with nothing to save.
[[gnu::noinline]] void *refillSmall(size_t cls) {
  ThreadCache &tc = cache;
  if (!tc.started) {
    startThreadCache(tc);
    if (FreeBlock *b = tc.free[cls]) {
      tc.free[cls] = b->next;
      return b;
    }
    size_t blockSize = classSizes.size[cls];
    if (tc.bump[cls] && tc.bump[cls] + blockSize <= tc.end[cls]) {
      void *p = tc.bump[cls];
      tc.bump[cls] += blockSize;
      return p;
    }
  }
  size_t blockSize = classSizes.size[cls];
  // A span, or room for two blocks of the larger classes; every span of
  // it is marked with the class, since blocks start in any of them. (Room
  // for four left whole spans unused: each thread opens a run per class,
  // and a short build's memory is mostly these runs, every huge page of
  // which the kernel zeroes.)
  size_t spans = std::max<size_t>(1, (blockSize * 2 + kSpanSize - 1) >> kSpanShift);
  size_t span = nextSpan.fetch_add(spans, std::memory_order_relaxed);
  if (span + spans > kSpans) return nullptr;
  for (size_t i = 0; i < spans; ++i) spanClass[span + i] = static_cast<uint8_t>(cls);
  char *p = regionBase + span * kSpanSize;
  tc.bump[cls] = p + blockSize;
  tc.end[cls] = p + spans * kSpanSize;
  return p;
}

inline void *allocateSmall(size_t size) {
  size_t cls = classOf(size);
  ThreadCache &tc = cache;
  if (FreeBlock *b = tc.free[cls]) {
    tc.free[cls] = b->next;
    return b;
  }
  // bump and end are both null until the class has a span.
  uintptr_t bump = reinterpret_cast<uintptr_t>(tc.bump[cls]), blockSize = classSizes.size[cls];
  if (bump && bump + blockSize <= reinterpret_cast<uintptr_t>(tc.end[cls])) {
    tc.bump[cls] += blockSize;
    return reinterpret_cast<void *>(bump);
  }
  return refillSmall(cls);
}

// Big blocks are carved from the same run of spans as the small blocks'
// spans, right after them: a short build then touches as few huge pages as
// its memory fills (every huge page touched is 2 MiB the kernel zeroes,
// however little of it is used).
std::mutex bigMutex;
FreeBlock *bigFree[kBigClasses] = {};

void *allocateBig(size_t size) {
  unsigned cls = bigClassOf(size);
  {
    // A freed block of this size, or else of one up to two doublings
    // larger: a short build frees its big blocks (the parse's token
    // buffers, a thread's workload list) before it needs others of other
    // sizes (the output text), and reusing one costs a little unused room
    // where a new one costs fresh memory the kernel must zero. The block
    // keeps its own class (spanClass), so it goes back to its own list.
    std::lock_guard<std::mutex> lock(bigMutex);
    for (unsigned c = cls; c < std::min(cls + 9, kBigClasses); ++c)
      if (FreeBlock *b = bigFree[c]) {
        bigFree[c] = b->next;
        return b;
      }
  }
  size_t spans = bigClassSize(cls) >> kSpanShift;
  // Blocks of a huge page or more start on a huge page: a 2 MiB block only
  // partly used then faults in one huge page, not the two it would straddle.
  // Smaller ones go where the spans have got to.
  size_t align = spans >= (kHugePage >> kSpanShift) ? kHugePage >> kSpanShift : 1;
  size_t span = nextSpan.load(std::memory_order_relaxed), start;
  do {
    start = (span + align - 1) / align * align;
  } while (!nextSpan.compare_exchange_weak(span, start + spans, std::memory_order_relaxed));
  span = start;
  if (span + spans > kSpans) return nullptr;
  spanClass[span] = static_cast<uint8_t>(kBigClassBase + cls);
  return regionBase + span * kSpanSize;
}

// The next chunk for a scratch request of `need` bytes: the next one the
// thread has that is large enough, else a new one (null when the thread
// has its most).
char *nextScratchChunk(ThreadCache &tc, size_t need) {
  for (size_t c = tc.chunk + (tc.scratchBump ? 1 : 0); c < tc.chunkCount; ++c)
    if (tc.chunks[c].size >= need) {
      tc.chunk = c;
      return tc.chunks[c].begin;
    }
  if (tc.chunkCount == kMaxScratchChunks) return nullptr;
  size_t spans = std::max(kScratchChunkSpans, (need + kSpanSize - 1) >> kSpanShift);
  size_t span = nextSpan.fetch_add(spans, std::memory_order_relaxed);
  if (span + spans > kSpans) return nullptr;
  for (size_t i = 0; i < spans; ++i) spanClass[span + i] = static_cast<uint8_t>(kScratchClass);
  tc.chunk = tc.chunkCount;
  tc.chunks[tc.chunkCount++] = {regionBase + span * kSpanSize, spans * kSpanSize};
  return tc.chunks[tc.chunk].begin;
}

// A scratch block's size: the request rounded up to the granule.
inline size_t scratchNeed(size_t size) { return size ? (size + kGranule - 1) & ~(kGranule - 1) : kGranule; }

// A scratch block from the room left in the current chunk, or null.
inline void *bumpScratch(ThreadCache &tc, size_t need) {
  if (!tc.scratchBump || need > static_cast<size_t>(tc.scratchEnd - tc.scratchBump)) return nullptr;
  void *p = tc.scratchBump;
  tc.scratchBump += need;
  return p;
}

void *allocateScratch(size_t size) {
  ThreadCache &tc = cache;
  // A thread's first blocks may be scratch: adopt a finished thread's
  // cache (and its chunks) first, as refillSmall would.
  if (!tc.started) startThreadCache(tc);
  size_t need = scratchNeed(size);
  if (void *p = bumpScratch(tc, need)) return p;
  char *chunk = nextScratchChunk(tc, need);
  if (!chunk) return nullptr;
  tc.scratchBump = chunk + need;
  tc.scratchEnd = chunk + tc.chunks[tc.chunk].size;
  return chunk;
}

// Everything but a small block: a scratch block, a big one, or malloc's.
[[gnu::noinline]] void *allocateOther(size_t size) {
  if (scratchOn && size <= kMaxBig && enabled.load(std::memory_order_relaxed))
    if (void *p = allocateScratch(size)) return p;
  if (size <= kMaxSmall && enabled.load(std::memory_order_relaxed))
    if (void *p = allocateSmall(size)) return p; // scratch on, but out of chunks
  if (size > kMaxSmall && size <= kMaxBig && enabled.load(std::memory_order_relaxed))
    if (void *p = allocateBig(size)) return p;
  if (void *p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}

inline void *allocate(size_t size) {
  if (size <= kMaxSmall && enabled.load(std::memory_order_relaxed)) {
    if (!scratchOn) {
      if (void *p = allocateSmall(size)) return p;
    } else if (void *p = bumpScratch(cache, scratchNeed(size))) {
      return p; // scratch: else a new chunk in allocateOther
    }
  }
  return allocateOther(size);
}

// Out of line, like refillSmall: the lock would make every release save
// registers.
[[gnu::noinline]] void releaseBig(FreeBlock *b, unsigned cls) {
  std::lock_guard<std::mutex> lock(bigMutex);
  b->next = bigFree[cls - kBigClassBase];
  bigFree[cls - kBigClassBase] = b;
}

inline void release(void *p) {
  if (!ours(p)) {
    std::free(p); // null included
    return;
  }
  size_t span = static_cast<size_t>(static_cast<char *>(p) - regionBase) >> kSpanShift;
  auto *b = static_cast<FreeBlock *>(p);
  unsigned cls = spanClass[span];
  if (cls >= kBigClassBase) {
    releaseBig(b, cls);
    return;
  }
  if (cls == kScratchClass) return; // back at the next reset
  ThreadCache &tc = cache;
  b->next = tc.free[cls];
  tc.free[cls] = b;
}

inline void *allocateAligned(size_t size, std::align_val_t align) {
  size_t a = static_cast<size_t>(align);
  if (a <= kGranule) return allocate(size);
  size_t rounded = (size + a - 1) / a * a;
  if (void *p = std::aligned_alloc(a, rounded ? rounded : a)) return p;
  throw std::bad_alloc();
}

bool setScratchActive(bool on) {
  bool was = scratchOn;
  scratchOn = on;
  return was;
}

bool ownsScratch(const void *p) {
  if (!ours(p)) return false;
  size_t span = static_cast<size_t>(static_cast<const char *>(p) - regionBase) >> kSpanShift;
  return spanClass[span] == kScratchClass;
}

void resetScratch() {
  rewindScratch(cache);
  ++threadResets;
}

const rig::scratch::Provider scratchProvider{setScratchActive, ownsScratch, resetScratch};

} // namespace

namespace rig {

bool enableBatchAllocator() {
#if RIG_BATCH_ALLOCATOR
  if (enabled.load()) return true;
  // One huge page more than the region, so that it can start on a huge
  // page boundary: spans then line up with the pages the kernel hands out.
  void *p = mmap(nullptr, kRegionSize + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) return false; // stay on malloc
  char *aligned = reinterpret_cast<char *>((reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1));
  // Huge pages where the kernel allows them ("madvise" mode); harmless if not.
  (void)madvise(aligned, kRegionSize, MADV_HUGEPAGE);
  regionBase = aligned;
  // What still goes to malloc (blocks over kMaxBig, over-aligned ones):
  // keep it on malloc's heap and keep freed heap, rather than a fresh mmap
  // faulted in page by page for every growth step.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
  enabled.store(true);
  rig::scratch::install(&scratchProvider);
  return true;
#else
  return false;
#endif
}

bool isBatchAllocated(const void *p) { return ours(p); }

size_t scratchResets() { return finishedResets.load() + threadResets; }

} // namespace rig

#if RIG_BATCH_ALLOCATOR
void *operator new(size_t size) { return allocate(size); }
void *operator new[](size_t size) { return allocate(size); }
void *operator new(size_t size, const std::nothrow_t &) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void *operator new[](size_t size, const std::nothrow_t &) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void *p) noexcept { release(p); }
void operator delete[](void *p) noexcept { release(p); }
void operator delete(void *p, size_t) noexcept { release(p); }
void operator delete[](void *p, size_t) noexcept { release(p); }
void operator delete(void *p, const std::nothrow_t &) noexcept { release(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { release(p); }

void *operator new(size_t size, std::align_val_t a) { return allocateAligned(size, a); }
void *operator new[](size_t size, std::align_val_t a) { return allocateAligned(size, a); }
void operator delete(void *p, std::align_val_t) noexcept { release(p); }
void operator delete[](void *p, std::align_val_t) noexcept { release(p); }
void operator delete(void *p, size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void *p, size_t, std::align_val_t) noexcept { release(p); }
#endif
