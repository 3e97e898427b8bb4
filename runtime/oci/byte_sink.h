// Where a stream stage sends its bytes: the next compressor, a hasher, or a store blob.
#pragma once

#include <llvm/Support/Error.h>

#include <cstddef>

namespace strata::oci {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual llvm::Error Write(const char* data, size_t size) = 0;
  // Where a producer may put its next bytes itself, then Write that pointer (which only counts
  // them), and how many fit; nullptr when the sink has no buffer of its own to offer.
  virtual char* Tail(size_t& room) {
    room = 0;
    return nullptr;
  }
};

}  // namespace strata::oci
