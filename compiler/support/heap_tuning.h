// Tunes glibc's malloc for the compiler's allocation pattern (millions of small, long-lived
// parse-tree, token and AST objects), once, at the start of a program.
#pragma once

#include <cstddef>

namespace strata::support {

// Heap reserved ahead and advised for transparent huge pages (virtual; only touched pages
// count).
inline constexpr size_t kHeapReserveBytes = size_t{1} << 30;

// One malloc arena, so that what the parser's thread frees is reused by the checker and the
// evaluator on the command's thread instead of growing a second heap; small and medium blocks
// from the brk heap; that heap reserved `reserve` bytes ahead and advised for transparent huge
// pages, so that the parse of a large program takes a page fault per 2 MiB instead of per
// 4 KiB (page faults of a growing heap were ~40% of `strata graph` on a 10,000-target program).
// Call before any thread starts. A no-op outside glibc.
void TuneHeap(size_t reserve = kHeapReserveBytes);

}  // namespace strata::support
