// Jump stubs that open a shared library on the first call of any of its functions (x86-64 ELF).
//
// A process pays at every start for each shared library it links: mapping it, relocating its
// data (libcrypto alone was ~120 page faults, a third of a warm no-op `strata build`; issue
// 14) and running its initialisers. Libraries that only some commands need are therefore not
// linked on x86-64: for each function Strata calls, a stub of the same name jumps through a
// pointer slot; while the slot is empty (the first call) the stub saves the six integer
// argument registers, calls the library's loader (dlopen + dlsym of every listed function) and
// jumps again. A stub never needs the function's signature and its caller's arguments reach the
// library untouched, so a listed function must not be variadic nor take floating-point
// arguments (true of every function listed). A library that cannot be loaded ends the process
// with a message naming it and exit status 1 (a broken installation: the library is a
// dependency of Strata's package); never a crash.
//
// A file per library lists its functions as an X-macro, X(name) for each, and expands it three
// times with LIB its short name and SONAME the file the binary was built against:
//   #define SLOT(name) STRATA_LAZY_SLOT(LIB, name)         LIST(SLOT)
//   #define FILL(name) STRATA_LAZY_FILL(LIB, SONAME, name) STRATA_LAZY_LOADER(LIB, SONAME,
//   LIST(FILL)) #define STUB(name) STRATA_LAZY_STUB(LIB, name)         LIST(STUB)
// (runtime/lazy/lazy_libraries.cpp, runtime/oci/lazy_archive.cpp). Calling an unlisted function
// of such a library fails at link time with an undefined reference.
#pragma once

#if !defined(__x86_64__) || !defined(__ELF__)
#error "lazy stubs are for x86-64 ELF; CMake links the libraries directly elsewhere"
#endif

#include <mutex>

namespace strata::lazy {

// Opens `soname` (RTLD_NOW | RTLD_LOCAL, never closed) or ends the process with a message.
void* OpenOrExit(const char* soname);
// dlsym(handle, name) stored into *slot with release order, or ends the process with a message.
void FillOrExit(void* handle, const char* soname, const char* name, void** slot);

}  // namespace strata::lazy

// The slot a stub jumps through; empty until the library's loader fills it.
// (A braced extern "C" block: a definition, not an initialised extern declaration.)
#define STRATA_LAZY_SLOT(lib, name)                                                 \
  extern "C" {                                                                      \
  __attribute__((visibility("hidden"))) void* strata_##lib##_slot_##name = nullptr; \
  }

// One statement of a loader body: fills the slot of `name` from `handle`.
#define STRATA_LAZY_FILL(lib, soname, name) \
  ::strata::lazy::FillOrExit(handle, soname, #name, &strata_##lib##_slot_##name);

// The loader the stubs call while their slot is empty: opens the library and fills every slot,
// once. `fills` is the list expanded with STRATA_LAZY_FILL.
#define STRATA_LAZY_LOADER(lib, soname, fills)                                      \
  extern "C" __attribute__((visibility("hidden"), used)) void strata_load_##lib() { \
    static std::once_flag once;                                                     \
    std::call_once(once, [] {                                                       \
      void* handle = ::strata::lazy::OpenOrExit(soname);                            \
      fills                                                                         \
    });                                                                             \
  }

// A stub: jump through the slot when it is filled; otherwise keep the six argument registers
// (the entry stack is 8 mod 16, so six pushes and 8 bytes keep the call aligned), load, and
// jump through the slot, now filled. %r11 is scratch in the SysV ABI (not an argument).
#define STRATA_LAZY_STUB(lib, name)         \
  asm(".text\n"                             \
      ".globl " #name                       \
      "\n"                                  \
      ".hidden " #name                      \
      "\n"                                  \
      ".type " #name ", @function\n" #name  \
      ":\n"                                 \
      "  movq strata_" #lib "_slot_" #name  \
      "(%rip), %r11\n"                      \
      "  testq %r11, %r11\n"                \
      "  jz 1f\n"                           \
      "  jmpq *%r11\n"                      \
      "1:\n"                                \
      "  pushq %rdi\n"                      \
      "  pushq %rsi\n"                      \
      "  pushq %rdx\n"                      \
      "  pushq %rcx\n"                      \
      "  pushq %r8\n"                       \
      "  pushq %r9\n"                       \
      "  subq $8, %rsp\n"                   \
      "  call strata_load_" #lib            \
      "\n"                                  \
      "  addq $8, %rsp\n"                   \
      "  popq %r9\n"                        \
      "  popq %r8\n"                        \
      "  popq %rcx\n"                       \
      "  popq %rdx\n"                       \
      "  popq %rsi\n"                       \
      "  popq %rdi\n"                       \
      "  jmpq *strata_" #lib "_slot_" #name \
      "(%rip)\n"                            \
      ".size " #name ", . - " #name "\n");
