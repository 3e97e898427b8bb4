// Which parts of a gzip chunk deflate could not shrink, so they are stored instead of deflated.
#pragma once

#include <cstddef>
#include <vector>

namespace strata::oci {

struct Span {
  size_t offset = 0;
  size_t size = 0;
};

// The runs of `data` (ascending, disjoint, each at least kMinStoredRun bytes and made of whole
// 512-byte units, the tar's own alignment, so a header or a file's zero padding is a unit of
// its own) that look incompressible: in every unit no byte value occurs more than 12 times
// (random bytes average 2; text, headers and padding far more), and no sampled 8-byte string
// repeats within deflate's 32 KiB window. Compressed or encrypted files look like this, and
// deflate at level 6 spends as long on them as on text only to emit stored blocks. The answer
// depends on the bytes alone (integer arithmetic), never on threads or the machine.
std::vector<Span> StoredSpans(const unsigned char* data, size_t size);

constexpr size_t kStoredBlock = 512;
constexpr size_t kMinStoredRun = 8 * kStoredBlock;  // shorter runs are not worth a block switch

}  // namespace strata::oci
