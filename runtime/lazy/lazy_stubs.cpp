// The loaders' two steps shared by every lazily opened library (lazy_stubs.h).
#include "runtime/lazy/lazy_stubs.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>

namespace strata::lazy {
namespace {

// The stubs have no error value to return, so a failure ends the process, with the reason.
[[noreturn]] void Exit(const char* soname, const char* why) {
  std::fprintf(stderr, "strata: cannot load %s: %s\n", soname, why);
  std::fflush(stderr);
  ::_exit(1);
}

}  // namespace

void* OpenOrExit(const char* soname) {
  void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    Exit(soname, why ? why : "not found");
  }
  return handle;
}

void FillOrExit(void* handle, const char* soname, const char* name, void** slot) {
  void* address = ::dlsym(handle, name);
  if (address == nullptr) {
    std::fprintf(stderr, "strata: cannot load %s: it has no %s\n", soname, name);
    std::fflush(stderr);
    ::_exit(1);
  }
  __atomic_store_n(slot, address, __ATOMIC_RELEASE);
}

}  // namespace strata::lazy
