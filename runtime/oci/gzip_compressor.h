// Parallel gzip in the style of pigz: one gzip member made of independently deflated chunks.
#pragma once

#include <llvm/Support/Error.h>

#include <memory>

#include "runtime/oci/compressor.h"

namespace strata::oci {

// Input is cut into fixed 1 MiB chunks; each is raw-deflated on a worker thread with the
// previous chunk's last 32 KiB as preset dictionary and ended by a sync flush (the last one by
// a final block; runs that look incompressible, stored_spans.h, go out as stored blocks); CRCs
// are joined with crc32_combine. The result is a single ordinary gzip
// member whose bytes do not depend on the number of threads. Memory is bounded by the number
// of chunks in flight (2 per thread).
std::unique_ptr<Compressor> MakeGzipCompressor(ByteSink& out, int threads, int level);

}  // namespace strata::oci
