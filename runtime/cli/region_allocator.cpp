// tcmalloc's source of memory in `strata`: the heap region (compiler/support/heap_region.h),
// then tcmalloc's own (sbrk, mmap) once the region is used up. Compiled only where `strata`
// links tcmalloc (runtime/cli/CMakeLists.txt).
#include "runtime/cli/region_allocator.h"

#include <gperftools/malloc_extension.h>

#include "compiler/support/heap_region.h"

namespace strata::cli {
namespace {

class RegionSysAllocator : public SysAllocator {
 public:
  explicit RegionSysAllocator(SysAllocator* fallback) : fallback_(fallback) {}

  void* Alloc(size_t size, size_t* actual_size, size_t alignment) override {
    if (void* memory = support::TakeFromHeapRegion(size, alignment, actual_size)) return memory;
    return fallback_ ? fallback_->Alloc(size, actual_size, alignment) : nullptr;
  }

 private:
  SysAllocator* fallback_;
};

}  // namespace

void UseHeapRegion() {
  if (!support::ReserveHeapRegion()) return;
  MallocExtension* extension = MallocExtension::instance();
  // Never destroyed: tcmalloc calls it until the process ends.
  static RegionSysAllocator* allocator = new RegionSysAllocator(extension->GetSystemAllocator());
  extension->SetSystemAllocator(allocator);
}

}  // namespace strata::cli
