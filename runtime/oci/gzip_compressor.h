// Parallel gzip with libdeflate: a layer becomes a sequence of gzip members, made on threads.
#pragma once

#include <llvm/Support/Error.h>

#include <memory>

#include "runtime/oci/compressor.h"

namespace strata::oci {

// Input is cut into fixed 1 MiB chunks; each is compressed on a worker thread into complete
// gzip members (RFC 1952 allows any number in a row; every gzip reader, Go's, zlib's gunzip,
// libarchive's, pigz, takes them): runs that look incompressible (stored_spans.h) become
// members of stored blocks, the rest members deflated by libdeflate at `level` (0-12). libdeflate
// has no streaming API and no preset dictionary, so each member starts afresh (1 MiB members
// are 0.14 % larger than 4 MiB ones on the bench inputs). Every member's bytes depend on its chunk
// alone, never on the thread count; they do depend on libdeflate's version (GzipEncoderIdentity).
// Memory is bounded by the number of chunks in flight (2 per thread).
std::unique_ptr<Compressor> MakeGzipCompressor(ByteSink& out, int threads, int level);

// What, besides the level, decides the bytes MakeGzipCompressor writes: the member layout's
// version and libdeflate's (linked statically, so it is the one the binary was built with).
const char* GzipEncoderIdentity();

}  // namespace strata::oci
