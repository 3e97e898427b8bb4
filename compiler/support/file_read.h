// Reading a whole file, with a size bound: the one reader for every phase and the runtime.
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <limits>
#include <string>

namespace strata::support {

// Reads `fd` to its end (retrying EINTR). More than `max_size` bytes is an error naming `path`,
// as is a failed read.
llvm::Expected<std::string> ReadAll(int fd, const std::string& path,
                                    uint64_t max_size = std::numeric_limits<uint64_t>::max());

// Opens `path` (O_CLOEXEC) and reads it to its end, as ReadAll; a failed open is
// "cannot open: path: strerror" with errno as the error code.
llvm::Expected<std::string> ReadFile(const std::string& path,
                                     uint64_t max_size = std::numeric_limits<uint64_t>::max());

}  // namespace strata::support
