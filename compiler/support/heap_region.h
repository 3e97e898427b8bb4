// The address range `strata`'s allocator takes its memory from, and the thread that faults it
// in ahead of use on another core while a large program is parsed and evaluated.
#pragma once

#include <cstddef>

namespace strata::support {

// Reserves the region (virtual, MAP_NORESERVE: only touched pages count) and advises its first
// kHugePageAdviceBytes for transparent huge pages (heap_tuning.h says why). Returns false when
// the reservation fails; the allocator then keeps its own way of getting memory. Call once,
// before any thread starts; the region is never unmapped.
bool ReserveHeapRegion();

// Whether ReserveHeapRegion succeeded (the allocator may take from it).
bool HeapRegionReserved();

// `size` bytes aligned to `alignment` (a power of two) from the region, or null once it is used
// up (the caller falls back to its own source). Sets *actual to what was handed out. Safe from
// any thread, from inside the allocator (it neither allocates nor takes a lock).
void* TakeFromHeapRegion(size_t size, size_t alignment, size_t* actual);

// Starts, once, the thread that keeps a window past what the allocator has taken faulted in
// (MADV_POPULATE_WRITE), so that the command's own thread finds its fresh heap pages mapped.
// Why: evaluating a large program grows the heap by ~60 times the program's size, and its first
// touch of each page is a fault — 74,000 of them and 0.2 s of system time at 100,000 targets,
// more wall time still in a virtual machine whose host backs guest memory on first use. Done
// on a second core the command's thread does not wait for them. A no-op with one usable core,
// without a region, or where the kernel lacks MADV_POPULATE_WRITE (Linux < 5.14).
void StartHeapPopulator();

// From this much program text on, the module loader starts the populator (a smaller program
// grows the heap by a few megabytes, not worth a thread).
inline constexpr size_t kPopulateHeapForSourceBytes = size_t{256} << 10;

}  // namespace strata::support
