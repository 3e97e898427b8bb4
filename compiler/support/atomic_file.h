// Writing a whole file atomically (temp file beside it, write, fsync, rename, directory fsync):
// the one copy for every phase, so a reader sees the old file or the new one, never a part.
#pragma once

#include <string>
#include <string_view>

#include <llvm/Support/Error.h>

namespace strata::support {

struct AtomicWriteOptions {
  unsigned mode = 0644;
  // fsync the file and its directory: a crash keeps the old file or the new one. A cache that
  // only needs readers never to see a partial file can skip it (and its cost).
  bool durable = true;
};

// Replaces `path` with `content`. On error `path` is as it was and no temp file is left.
llvm::Error WriteFileAtomic(const std::string& path, std::string_view content, AtomicWriteOptions options = {});

// An llvm::Error carrying `err` (an errno value) as "what path: strerror(err)".
llvm::Error ErrnoError(int err, const std::string& what, const std::string& path);

}  // namespace strata::support
