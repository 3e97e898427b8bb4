// The heap region: a bump pointer over one reserved mapping, and a thread that populates a
// window past it on another core.
#include "compiler/support/heap_region.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <thread>

#include "compiler/support/heap_tuning.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace strata::support {
namespace {

// The window kept faulted in past the taken end: a sixteenth of what is taken, between these,
// so that a small heap does not carry much unused resident memory (peak RSS is measured too).
constexpr uintptr_t kMinWindow = uintptr_t{2} << 20;
constexpr uintptr_t kMaxWindow = uintptr_t{16} << 20;
// Reserved at most: more than any evaluation here needs; past it the allocator's own source.
constexpr size_t kMaxRegionBytes = size_t{64} << 30;

uintptr_t RoundUp(uintptr_t value, uintptr_t to) { return (value + to - 1) & ~(to - 1); }

struct Region {
  uintptr_t begin = 0;
  uintptr_t end = 0;
  std::atomic<uintptr_t> taken{0};      // end of what the allocator has been handed
  std::atomic<uintptr_t> populated{0};  // end of what the populator has faulted in
  std::atomic<uint32_t> wake{0};        // futex word: bumped when `taken` outruns the window
  std::atomic<bool> populating{false};
};

// Never destroyed: the allocator and the populator use it until the process ends.
Region* region = nullptr;

uintptr_t WindowEnd(const Region& r, uintptr_t taken) {
  uintptr_t window = std::clamp((taken - r.begin) / 16, kMinWindow, kMaxWindow);
  return std::min(RoundUpToHugePage(taken + window), r.end);
}

void Wait(std::atomic<uint32_t>& word, uint32_t seen) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr,
          0);
}

void Wake(std::atomic<uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr,
          0);
}

void Populate(Region& r) {
  for (;;) {
    uint32_t seen = r.wake.load(std::memory_order_acquire);
    uintptr_t done = r.populated.load(std::memory_order_relaxed);
    uintptr_t goal = WindowEnd(r, r.taken.load(std::memory_order_acquire));
    if (done >= goal) {
      Wait(r.wake, seen);
      continue;
    }
    // A huge page at a time, so that the window moves as soon as part of it is mapped.
    uintptr_t step = std::min(goal, RoundUpToHugePage(done + 1)) - done;
    if (madvise(reinterpret_cast<void*>(done), step, MADV_POPULATE_WRITE) != 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      // No MADV_POPULATE_WRITE (old kernel) or no memory for it: the command's thread faults
      // its pages in itself, as without a populator.
      r.populating.store(false, std::memory_order_relaxed);
      return;
    }
    r.populated.store(done + step, std::memory_order_release);
  }
}

bool SeveralCores() {
  cpu_set_t cpus;
  return sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) >= 2;
}

}  // namespace

bool ReserveHeapRegion() {
  if (region) return true;
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return false;
  size_t bytes = std::min(kMaxRegionBytes, static_cast<size_t>(pages) * page_size);
  bytes = RoundUpToHugePage(bytes);
  // One huge page more, so that the region can start on a 2 MiB boundary.
  void* mapping = mmap(nullptr, bytes + kHugePageBytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED) return false;
  uintptr_t begin = RoundUpToHugePage(reinterpret_cast<uintptr_t>(mapping));
  madvise(reinterpret_cast<void*>(begin), kHugePageAdviceBytes, MADV_HUGEPAGE);
  region = new Region;
  region->begin = begin;
  region->end = begin + bytes;
  region->taken.store(begin);
  region->populated.store(begin);
  return true;
}

bool HeapRegionReserved() { return region != nullptr; }

void* TakeFromHeapRegion(size_t size, size_t alignment, size_t* actual) {
  Region* r = region;
  if (!r) return nullptr;
  uintptr_t taken = r->taken.load(std::memory_order_relaxed);
  uintptr_t start, next;
  do {
    start = RoundUp(taken, std::max<size_t>(alignment, 1));
    if (start < taken || start > r->end || r->end - start < size) return nullptr;
    next = start + size;
  } while (!r->taken.compare_exchange_weak(taken, next, std::memory_order_acq_rel));
  if (actual) *actual = size;
  if (r->populating.load(std::memory_order_relaxed) &&
      WindowEnd(*r, next) > r->populated.load(std::memory_order_relaxed)) {
    r->wake.fetch_add(1, std::memory_order_release);
    Wake(r->wake);
  }
  return reinterpret_cast<void*>(start);
}

void StartHeapPopulator() {
  Region* r = region;
  if (!r || !SeveralCores() || r->populating.exchange(true)) return;
  std::thread([r] {
    pthread_setname_np(pthread_self(), "strata-heap");  // what tests and `top -H` see
    Populate(*r);
  }).detach();
}

}  // namespace strata::support
