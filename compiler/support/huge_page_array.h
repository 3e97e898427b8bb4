// Arrays for large tables probed at random (the graph's NodeTable), in a mapping of their own
// advised for transparent huge pages once they span one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "compiler/support/heap_tuning.h"

namespace strata::support {

// From this size on (one huge page) an array gets a mapping of its own; below it, malloc.
inline constexpr size_t kHugePageArrayMinBytes = kHugePageBytes;

// Memory for `bytes`: from malloc below kHugePageArrayMinBytes, else a private mapping whose
// 2 MiB-aligned part holds the data and is advised MADV_HUGEPAGE (the unaligned head and tail
// are never touched). Throws std::bad_alloc when memory is exhausted.
struct HugePageBlock {
  void* data = nullptr;
  void* mapping = nullptr;  // null: data is from malloc
  size_t mapping_bytes = 0;
};
HugePageBlock AllocateHugePageBlock(size_t bytes);
void FreeHugePageBlock(const HugePageBlock& block);

// Why: a probe at a random slot of a multi-megabyte table on 4 KiB pages misses the TLB as well
// as the cache (in a virtual machine a TLB miss walks two page tables); on 2 MiB pages the
// table needs a handful of TLB entries. Its own mapping keeps the advice off the heap around
// it (huge pages across the whole heap cost more than they saved: docs/eval-cache.md). Without
// huge pages (the kernel's `enabled=never`, no free 2 MiB page) it is ordinary memory.
template <typename T>
class HugePageArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  HugePageArray() = default;
  // `size` elements, each `fill`.
  HugePageArray(size_t size, T fill)
      : block_(AllocateHugePageBlock(size * sizeof(T))), size_(size) {
    for (T *it = data(), *end = data() + size; it != end; ++it) *it = fill;
  }
  HugePageArray(HugePageArray&& other) noexcept { Swap(other); }
  HugePageArray& operator=(HugePageArray&& other) noexcept {
    HugePageArray(std::move(other)).Swap(*this);
    return *this;
  }
  HugePageArray(const HugePageArray&) = delete;
  HugePageArray& operator=(const HugePageArray&) = delete;
  ~HugePageArray() { FreeHugePageBlock(block_); }

  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }
  size_t size() const { return size_; }
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  // Whether the elements live in a mapping of their own (advised for huge pages).
  bool mapped() const { return block_.mapping != nullptr; }
  void Swap(HugePageArray& other) noexcept {
    std::swap(block_, other.block_);
    std::swap(size_, other.size_);
  }

 private:
  T* data() const { return static_cast<T*>(block_.data); }

  HugePageBlock block_;
  size_t size_ = 0;
};

}  // namespace strata::support
