// Memory for large tables: a mapping of their own advised for transparent huge pages.
#include "compiler/support/huge_page_array.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace strata::support {

HugePageBlock AllocateHugePageBlock(size_t bytes) {
  HugePageBlock block;
  if (bytes < kHugePageArrayMinBytes) {
    block.data = std::malloc(std::max<size_t>(bytes, 1));
    if (!block.data) throw std::bad_alloc();
    return block;
  }
  // Whole huge pages and one more, so that the data can start on a 2 MiB boundary and every
  // page it covers can be a huge one.
  block.mapping_bytes = RoundUpToHugePage(bytes) + kHugePageBytes;
  void* mapping = mmap(nullptr, block.mapping_bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) throw std::bad_alloc();
  block.mapping = mapping;
  uintptr_t begin = RoundUpToHugePage(reinterpret_cast<uintptr_t>(mapping));
  madvise(reinterpret_cast<void*>(begin), RoundUpToHugePage(bytes), MADV_HUGEPAGE);
  block.data = reinterpret_cast<void*>(begin);
  return block;
}

void FreeHugePageBlock(const HugePageBlock& block) {
  if (block.mapping)
    munmap(block.mapping, block.mapping_bytes);
  else
    std::free(block.data);
}

}  // namespace strata::support
