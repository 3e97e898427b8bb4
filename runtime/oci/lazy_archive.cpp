// libarchive loaded on first use: one jump stub per libarchive function Strata calls, each
// forwarding to the same function of a dlopen'ed libarchive.so.13 (x86-64 only).
//
// Linking libarchive maps nine shared libraries at every start (libxml2 and ICU, lzma, lz4,
// bz2, nettle, acl), and loading and relocating them was a fifth of a warm no-op `strata build`
// (issue 14; docs/runtime.md). Only commands that read or write tars need it. Unlike libcurl
// (lazy_curl.cpp), Strata calls ~60 libarchive functions, so they are not wrapped one by one
// in C++: each name below is an assembly stub that jumps through a pointer slot, and a slot
// still empty (first call) makes the stub save the argument registers, call LoadLibarchive()
// and jump again. A stub therefore never needs the function's signature, and its caller's
// arguments reach libarchive untouched. None of these functions is variadic nor takes a
// floating-point argument, so the six integer argument registers are all a stub must keep.
// Adding a call to another libarchive function means adding its name to the list below (the
// link fails with an undefined reference until then). On other machines CMake links
// libarchive directly and this file is not compiled.
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#if !defined(__x86_64__) || !defined(__ELF__)
#error "lazy_archive.cpp is for x86-64 ELF; CMake links libarchive directly elsewhere"
#endif

// X(name) for every libarchive function Strata calls, sorted.
#define STRATA_LIBARCHIVE_FUNCTIONS(X)  \
  X(archive_entry_atime_is_set)         \
  X(archive_entry_clear)                \
  X(archive_entry_copy_hardlink)        \
  X(archive_entry_copy_pathname)        \
  X(archive_entry_copy_symlink)         \
  X(archive_entry_ctime_is_set)         \
  X(archive_entry_filetype)             \
  X(archive_entry_free)                 \
  X(archive_entry_gid)                  \
  X(archive_entry_hardlink)             \
  X(archive_entry_mtime)                \
  X(archive_entry_mtime_nsec)           \
  X(archive_entry_new)                  \
  X(archive_entry_pathname)             \
  X(archive_entry_perm)                 \
  X(archive_entry_rdevmajor)            \
  X(archive_entry_rdevminor)            \
  X(archive_entry_set_filetype)         \
  X(archive_entry_set_gid)              \
  X(archive_entry_set_gname)            \
  X(archive_entry_set_hardlink)         \
  X(archive_entry_set_mtime)            \
  X(archive_entry_set_pathname)         \
  X(archive_entry_set_perm)             \
  X(archive_entry_set_rdevmajor)        \
  X(archive_entry_set_rdevminor)        \
  X(archive_entry_set_size)             \
  X(archive_entry_set_uid)              \
  X(archive_entry_set_uname)            \
  X(archive_entry_size)                 \
  X(archive_entry_symlink)              \
  X(archive_entry_uid)                  \
  X(archive_entry_uname)                \
  X(archive_entry_xattr_add_entry)      \
  X(archive_entry_xattr_next)           \
  X(archive_entry_xattr_reset)          \
  X(archive_error_string)               \
  X(archive_read_data)                  \
  X(archive_read_data_block)            \
  X(archive_read_free)                  \
  X(archive_read_new)                   \
  X(archive_read_next_header)           \
  X(archive_read_open)                  \
  X(archive_read_open_filename)         \
  X(archive_read_support_filter_all)    \
  X(archive_read_support_filter_gzip)   \
  X(archive_read_support_filter_zstd)   \
  X(archive_read_support_format_ar)     \
  X(archive_read_support_format_gnutar) \
  X(archive_read_support_format_raw)    \
  X(archive_read_support_format_tar)    \
  X(archive_write_close)                \
  X(archive_write_data)                 \
  X(archive_write_data_block)           \
  X(archive_write_disk_new)             \
  X(archive_write_disk_set_options)     \
  X(archive_write_finish_entry)         \
  X(archive_write_free)                 \
  X(archive_write_header)               \
  X(archive_write_new)                  \
  X(archive_write_open2)                \
  X(archive_write_open_fd)              \
  X(archive_write_set_bytes_per_block)  \
  X(archive_write_set_format_pax_restricted)

// The slots: where each stub jumps; empty until LoadLibarchive() fills them all.
#define STRATA_DEFINE_SLOT(name) \
  extern "C" __attribute__((visibility("hidden"))) void* strata_libarchive_slot_##name = nullptr;
STRATA_LIBARCHIVE_FUNCTIONS(STRATA_DEFINE_SLOT)

// Opens libarchive and fills every slot, once; a process that cannot is ended with the reason
// (the stubs have no error value to return, and libarchive is a dependency of Strata's
// package, so this means a broken installation).
extern "C" __attribute__((visibility("hidden"), used)) void strata_load_libarchive() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The soname this binary was built against (Debian's libarchive13); never unloaded.
    void* handle = ::dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      std::fprintf(stderr, "strata: cannot load libarchive: %s\n",
                   why ? why : "libarchive.so.13 not found");
      std::fflush(stderr);
      ::_exit(1);
    }
    void* address;
#define STRATA_FILL_SLOT(name)                                                                   \
  address = ::dlsym(handle, #name);                                                              \
  if (address == nullptr) {                                                                      \
    std::fprintf(stderr, "strata: cannot load libarchive: libarchive.so.13 has no %s\n", #name); \
    std::fflush(stderr);                                                                         \
    ::_exit(1);                                                                                  \
  }                                                                                              \
  __atomic_store_n(&strata_libarchive_slot_##name, address, __ATOMIC_RELEASE);
    STRATA_LIBARCHIVE_FUNCTIONS(STRATA_FILL_SLOT)
#undef STRATA_FILL_SLOT
  });
}

// A stub: jump through the slot when it is filled; otherwise keep the six argument registers
// (the entry stack is 8 mod 16, so six pushes and 8 bytes keep the call aligned), load, and
// jump through the slot, now filled. %r11 is scratch in the SysV ABI (not an argument).
#define STRATA_DEFINE_STUB(name)              \
  asm(".text\n"                               \
      ".globl " #name                         \
      "\n"                                    \
      ".hidden " #name                        \
      "\n"                                    \
      ".type " #name ", @function\n" #name    \
      ":\n"                                   \
      "  movq strata_libarchive_slot_" #name  \
      "(%rip), %r11\n"                        \
      "  testq %r11, %r11\n"                  \
      "  jz 1f\n"                             \
      "  jmpq *%r11\n"                        \
      "1:\n"                                  \
      "  pushq %rdi\n"                        \
      "  pushq %rsi\n"                        \
      "  pushq %rdx\n"                        \
      "  pushq %rcx\n"                        \
      "  pushq %r8\n"                         \
      "  pushq %r9\n"                         \
      "  subq $8, %rsp\n"                     \
      "  call strata_load_libarchive\n"       \
      "  addq $8, %rsp\n"                     \
      "  popq %r9\n"                          \
      "  popq %r8\n"                          \
      "  popq %rcx\n"                         \
      "  popq %rdx\n"                         \
      "  popq %rsi\n"                         \
      "  popq %rdi\n"                         \
      "  jmpq *strata_libarchive_slot_" #name \
      "(%rip)\n"                              \
      ".size " #name ", . - " #name "\n");
STRATA_LIBARCHIVE_FUNCTIONS(STRATA_DEFINE_STUB)
