// Small file helpers shared by the exporters and importers: whole-file reads, atomic copies.
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <string>

#include "compiler/support/atomic_file.h"

namespace strata::oci {

// The base library's atomic writes (compiler/support/atomic_file.h), by their oci names.
using support::ParentDir;
using support::WriteFileAtomic;

// Reads a whole file, refusing anything larger than max_size (JSON documents are small).
llvm::Expected<std::string> ReadSmallFile(const std::string& path, uint64_t max_size);

// Copies `size` bytes from fd (at its current offset) to out_fd, with copy_file_range when the
// kernel allows it and read/write otherwise.
llvm::Error CopyFd(int in_fd, int out_fd, uint64_t size, const std::string& what);

// Copies src to dest through a temp file in dest's directory and a rename (WriteFileAtomicWith),
// so dest is either absent, the old file, or the complete copy.
llvm::Error CopyFileAtomic(const std::string& src, const std::string& dest,
                           support::AtomicWriteOptions options = {});

// Makes dest the file src, as durably and atomically as CopyFileAtomic: a hard link (through a
// temp name and a rename) when both are on one filesystem, else a copy. Only for a src nobody
// writes in place (the store's blobs: immutable, and hashed before every use, so a write
// through the other name is caught by the store, never trusted); dest gets src's mode.
llvm::Error LinkOrCopyFileAtomic(const std::string& src, const std::string& dest);

// mkdir -p.
llvm::Error MakeDirs(const std::string& path);

}  // namespace strata::oci
