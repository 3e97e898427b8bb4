// Small file helpers shared by the exporters and importers: whole-file reads, atomic copies.
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <string>

#include "runtime/store/unique_fd.h"

namespace strata::oci {

// The directory part of a path ("." when it has none).
std::string ParentDir(const std::string& path);

// Reads a whole file, refusing anything larger than max_size (JSON documents are small).
llvm::Expected<std::string> ReadSmallFile(const std::string& path, uint64_t max_size);

// Copies `size` bytes from fd (at its current offset) to out_fd, with copy_file_range when the
// kernel allows it and read/write otherwise.
llvm::Error CopyFd(int in_fd, int out_fd, uint64_t size, const std::string& what);

// Copies src to dest through a temp file in dest's directory and a rename, so dest is either
// absent, the old file, or the complete copy. Mode 0644.
llvm::Error CopyFileAtomic(const std::string& src, const std::string& dest);

// Writes bytes to dest the same way.
llvm::Error WriteFileAtomic(const std::string& dest, const std::string& bytes);

// mkdir -p.
llvm::Error MakeDirs(const std::string& path);

}  // namespace strata::oci
