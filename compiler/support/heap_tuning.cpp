// Tunes the heap: glibc's malloc (one arena, a reserved brk heap advised for transparent huge
// pages) or, where `strata` links tcmalloc without the heap region, its first run so advised.
#include "compiler/support/heap_tuning.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "compiler/support/heap_region.h"

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

// Defined when tcmalloc is linked into the program (the `strata` executable); null elsewhere
// (the unit tests, a sanitizer build), where malloc is glibc's.
extern "C" void* tc_malloc(size_t size) __attribute__((weak));

namespace strata::support {
namespace {

// Advises the whole 2 MiB pages inside [begin, end), at most kHugePageAdviceBytes of them.
void AdviseHugePages(uintptr_t begin, uintptr_t end) {
#if defined(__GLIBC__)
  begin = RoundUpToHugePage(begin);
  end = std::min(end, begin + kHugePageAdviceBytes) & ~(kHugePageBytes - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)begin;
  (void)end;
#endif
}

}  // namespace

bool HeapIsTcmalloc() { return tc_malloc != nullptr; }

void TuneHeap(size_t reserve) {
  if (HeapIsTcmalloc()) {
    // The heap region advised its own start (heap_region.h).
    if (HeapRegionReserved()) return;
    // tcmalloc takes memory from the system in runs and keeps what is freed for reuse, carving
    // later blocks out of it: a first run, taken, advised and given back, is where the program's
    // first 64 MiB of blocks will live.
    void* run = std::malloc(kHugePageAdviceBytes + kHugePageBytes);
    if (!run) return;
    uintptr_t begin = reinterpret_cast<uintptr_t>(run);
    AdviseHugePages(begin, begin + kHugePageAdviceBytes + kHugePageBytes);
    std::free(run);
    (void)reserve;
    return;
  }
#if defined(__GLIBC__)
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
  // When brk could not grow, malloc mapped the probe elsewhere: end < begin, no advice.
  AdviseHugePages(begin, reinterpret_cast<uintptr_t>(sbrk(0)));
#else
  (void)reserve;
#endif
}

}  // namespace strata::support
