// Streaming compressors for layer tars: gzip (parallel, libdeflate), zstd (multi-threaded), none.
#pragma once

#include <llvm/Support/Error.h>

#include <memory>
#include <string>

#include "runtime/oci/byte_sink.h"

namespace strata::oci {

enum class Compression { kGzip, kZstd, kNone };

// A compressor is itself a sink; Finish flushes everything into `out`. Output depends only on
// the input bytes, the algorithm, the level and the encoder (EncoderIdentity) — never on the
// thread count or the machine — so layers are reproducible across machines.
class Compressor : public ByteSink {
 public:
  virtual llvm::Error Finish() = 0;
};

// threads <= 0 means one per core. level < 0 means DefaultLevel(kind).
llvm::Expected<std::unique_ptr<Compressor>> MakeCompressor(Compression kind, ByteSink& out,
                                                           int threads, int level);

// The level a compressor takes for level < 0: gzip 6, zstd 3 (0 for none). Keys of stored
// compressed forms name this level, so it must not change without changing them.
int DefaultLevel(Compression kind);

// What decides a compressor's bytes besides the algorithm and the level, for the keys of what
// is stored compressed (node records, compressed-layer memos, built-image entries): a store
// written by another encoder must not be found. gzip: its member layout and libdeflate's
// version (linked statically); zstd: the loaded libzstd's version; none: "".
const char* EncoderIdentity(Compression kind);
// The line those keys add for the encoder: "encoder=IDENTITY\n", or "" when EncoderIdentity is
// empty.
std::string EncoderKeyLine(Compression kind);

// The OCI media type of a layer tar with this compression.
const char* LayerMediaType(Compression kind);

}  // namespace strata::oci
