// Reading a whole file from an open descriptor, with a size bound, for the store and the OCI
// readers.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include <llvm/Support/Error.h>

namespace strata::store {

// Reads `fd` to its end (retrying EINTR). More than `max_size` bytes is an error naming `path`,
// as is a failed read.
llvm::Expected<std::string> ReadAll(int fd, const std::string& path,
                                    uint64_t max_size = std::numeric_limits<uint64_t>::max());

}  // namespace strata::store
