// libarchive loaded on first use: one jump stub per libarchive function Strata calls, each
// forwarding to the same function of a dlopen'ed libarchive.so.13 (x86-64 only).
//
// Linking libarchive maps nine shared libraries at every start (libxml2 and ICU, lzma, lz4,
// bz2, nettle, acl), and loading and relocating them was a fifth of a warm no-op `strata build`
// (issue 14; docs/runtime.md). Only commands that read or write tars need it. Unlike libcurl
// (lazy_curl.cpp), Strata calls ~60 libarchive functions, so they are not wrapped one by one
// in C++: each name below is an assembly stub (runtime/lazy/lazy_stubs.h, shared with libcrypto,
// zlib, libzstd and libtinfo) that jumps through a pointer slot, filled by dlopen/dlsym on the
// first call of any of them. None of these functions is variadic nor takes a floating-point
// argument, which the stubs require. Adding a call to another libarchive function means adding
// its name to the list below (the link fails with an undefined reference until then). On other
// machines CMake links libarchive directly and this file is not compiled.
#include "runtime/lazy/lazy_stubs.h"

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
  X(archive_read_support_filter_bzip2)  \
  X(archive_read_support_filter_gzip)   \
  X(archive_read_support_filter_xz)     \
  X(archive_read_support_filter_zstd)   \
  X(archive_read_support_format_ar)     \
  X(archive_read_support_format_gnutar) \
  X(archive_read_support_format_raw)    \
  X(archive_read_support_format_tar)    \
  X(archive_set_error)                  \
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
  X(archive_write_set_format_option)    \
  X(archive_write_set_format_pax_restricted)

// The slots, the loader (the soname this binary was built against: Debian's libarchive13) and
// the stubs.
#define STRATA_ARCHIVE_SLOT(name) STRATA_LAZY_SLOT(libarchive, name)
#define STRATA_ARCHIVE_FILL(name) STRATA_LAZY_FILL(libarchive, "libarchive.so.13", name)
#define STRATA_ARCHIVE_STUB(name) STRATA_LAZY_STUB(libarchive, name)
STRATA_LIBARCHIVE_FUNCTIONS(STRATA_ARCHIVE_SLOT)
STRATA_LAZY_LOADER(libarchive, "libarchive.so.13", STRATA_LIBARCHIVE_FUNCTIONS(STRATA_ARCHIVE_FILL))
STRATA_LIBARCHIVE_FUNCTIONS(STRATA_ARCHIVE_STUB)
