// Where a stream stage sends its bytes: the next compressor, a hasher, or a store blob.
#pragma once

#include <llvm/Support/Error.h>

#include <cstddef>

namespace strata::oci {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual llvm::Error Write(const char* data, size_t size) = 0;
};

}  // namespace strata::oci
