// Tunes glibc's malloc: one arena, a reserved brk heap advised for transparent huge pages.
#include "compiler/support/heap_tuning.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace strata::support {

void TuneHeap(size_t reserve) {
#if defined(__GLIBC__)
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  mallopt(M_ARENA_MAX, 1);
  // Blocks up to 32 MiB come from the heap (a fixed threshold also stops glibc from raising
  // it on its own); larger ones are still mapped and unmapped on their own.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  // Each growth of the heap reserves `reserve` more, and a trim keeps that much: the advice
  // below then covers what the compiler touches, and freed memory is reused, not refaulted.
  mallopt(M_TOP_PAD, static_cast<int>(reserve));
  void* probe = std::malloc(1 << 20);  // more than the top chunk holds: the heap grows now
  if (!probe) return;
  uintptr_t begin = reinterpret_cast<uintptr_t>(probe);
  std::free(probe);
  uintptr_t end = reinterpret_cast<uintptr_t>(sbrk(0));
  begin = (begin + kHugePage - 1) & ~(kHugePage - 1);
  end = std::min(end, begin + kHugePageAdviceBytes) & ~(kHugePage - 1);
  // When brk could not grow, malloc mapped the probe elsewhere: end < begin, no advice.
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)reserve;
#endif
}

}  // namespace strata::support
