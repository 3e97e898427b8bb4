// Streaming compressors for layer tars: gzip (parallel, pigz-style), zstd (multi-threaded), none.
#pragma once

#include <llvm/Support/Error.h>

#include <memory>

#include "runtime/oci/byte_sink.h"

namespace strata::oci {

enum class Compression { kGzip, kZstd, kNone };

// A compressor is itself a sink; Finish flushes everything into `out`. Output depends only on
// the input bytes, the algorithm and the level — never on the thread count — so layers are
// reproducible across machines (for a given zlib/libzstd version).
class Compressor : public ByteSink {
 public:
  virtual llvm::Error Finish() = 0;
};

// threads <= 0 means one per core. level < 0 means the default (gzip 6, zstd 3).
llvm::Expected<std::unique_ptr<Compressor>> MakeCompressor(Compression kind, ByteSink& out,
                                                           int threads, int level);

// The OCI media type of a layer tar with this compression.
const char* LayerMediaType(Compression kind);

}  // namespace strata::oci
