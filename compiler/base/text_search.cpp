#include "compiler/base/text_search.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rig {

size_t findInText(llvm::StringRef text, llvm::StringRef needle, size_t from) {
  const size_t n = needle.size();
  if (from > text.size()) return llvm::StringRef::npos;
  if (n == 0) return from; // as StringRef::find: an empty needle is found where the search starts
  if (text.size() - from < n) return llvm::StringRef::npos;
  const char *base = text.data(), *p = base + from;
  // The last position a match can start at.
  const char *last = base + text.size() - n;
#if defined(__SSE2__)
  if (n >= 2) {
    const __m128i first = _mm_set1_epi8(needle.front()), final = _mm_set1_epi8(needle.back());
    // Blocks of 16 candidate starts, while the block's last bytes (at +n-1)
    // are inside the text.
    for (; p + 16 <= last + 1; p += 16) {
      __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
      __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + n - 1));
      unsigned mask = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, final))));
      while (mask) {
        unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
        if (std::memcmp(p + bit + 1, needle.data() + 1, n - 2) == 0) return static_cast<size_t>(p + bit - base);
        mask &= mask - 1;
      }
    }
  }
#endif
  for (; p <= last; ++p)
    if (*p == needle.front() && std::memcmp(p + 1, needle.data() + 1, n - 1) == 0) return static_cast<size_t>(p - base);
  return llvm::StringRef::npos;
}

} // namespace rig
