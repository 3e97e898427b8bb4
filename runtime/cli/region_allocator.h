// Where `strata`'s allocator (tcmalloc) takes its memory from.
#pragma once

namespace strata::cli {

// Makes the heap region (compiler/support/heap_region.h) tcmalloc's first source of memory.
// Call first thing in main, before any thread starts. Compiled only where `strata` links
// tcmalloc (STRATA_HEAP_REGION); sanitizer and fuzzer builds keep glibc's malloc and its heap.
void UseHeapRegion();

}  // namespace strata::cli
