// Tunes the heap for the compiler's allocation pattern (millions of small, long-lived
// parse-tree, token and AST objects), once, at the start of a program.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strata::support {

// Heap reserved ahead (virtual; only touched pages count), and how much of its start is
// advised for transparent huge pages.
inline constexpr size_t kHeapReserveBytes = size_t{1} << 30;
// A transparent huge page on x86-64, and an address or size rounded up to a whole number of them.
inline constexpr uintptr_t kHugePageBytes = uintptr_t{2} << 20;
inline constexpr uintptr_t RoundUpToHugePage(uintptr_t n) {
  return (n + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
}
inline constexpr size_t kHugePageAdviceBytes = size_t{64} << 20;

// With glibc's malloc: one malloc arena, so that what the parser's thread frees is reused by
// the checker and the evaluator on the command's thread instead of growing a second heap; small
// and medium blocks from the brk heap; that heap reserved `reserve` bytes ahead and its first
// kHugePageAdviceBytes advised for transparent huge pages, so that a program of the common
// sizes takes a page fault per 2 MiB instead of per 4 KiB (page faults of a growing heap were
// ~40% of `strata graph` on a 10,000-target program). Only the first 64 MiB: with the kernel's
// default `defrag=madvise`, each advised fault may compact memory first, and on a machine whose
// memory is full of page cache a 450 MB heap (100,000 targets) spent 0.1–1.2 s in the kernel
// that way (0.2 s steadily with 4 KiB pages).
// With tcmalloc (linked into `strata`, see HeapIsTcmalloc): nothing when its memory comes from
// the heap region, which advises its own start (heap_region.h); else its first
// kHugePageAdviceBytes run is taken, advised for huge pages and given back to it, for the same
// reason. `reserve` is unused (tcmalloc keeps freed memory for reuse on its own).
// Call before any thread starts. A no-op outside glibc.
void TuneHeap(size_t reserve = kHeapReserveBytes);

// Whether malloc is tcmalloc's: true in the `strata` program (runtime/cli/CMakeLists.txt links
// it), false in the unit tests and sanitizer builds, which keep glibc's.
bool HeapIsTcmalloc();

}  // namespace strata::support
