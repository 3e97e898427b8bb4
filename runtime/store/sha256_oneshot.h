// SHA-256 of one buffer in portable C++, for the small digests of a warm build.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace strata::store {

// The 32-byte SHA-256 (FIPS 180-4) of `size` bytes at `data`. It needs no library, so a
// command whose only hashes are small (record keys, an image's config and manifest) never
// loads libcrypto (runtime/lazy/lazy_libraries.cpp); it runs at a few hundred MB/s, so large
// inputs go through OpenSSL's SHA-NI code instead (Sha256Digest in sha256.h chooses).
std::array<uint8_t, 32> Sha256OneShot(const void* data, size_t size);

}  // namespace strata::store
