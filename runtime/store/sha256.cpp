// Incremental SHA-256 over OpenSSL's EVP interface (uses SHA-NI where the CPU has it).
//
// A warm no-op build's hashes are all small one-shots (the record key, Store::PutBlobBytes'
// check of its config and manifest): Sha256Digest hashes those in portable code
// (sha256_oneshot.h), so that libcrypto, opened on first use (runtime/lazy/), is never loaded
// by such a command. Larger one-shots use SHA256_Init/Update/Final, deprecated in OpenSSL 3 but
// not gone, and the one way to hash without EVP's first-use initialisation (reading
// openssl.cnf, loading the default provider: ~2 ms).
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "runtime/store/sha256.h"

#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <cstdlib>

#include "runtime/store/sha256_oneshot.h"

namespace strata::store {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  // Allocation failure of a few hundred bytes is not a user error; treat it as fatal.
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) std::abort();
}

void Sha256::Update(const void* data, size_t size) {
  if (size != 0) EVP_DigestUpdate(ctx_.get(), data, size);
}

std::string Sha256::HexDigest() {
  unsigned char raw[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), raw, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[raw[i] >> 4];
    out[2 * i + 1] = kHex[raw[i] & 0xf];
  }
  return out;
}

std::string Sha256Digest(const void* data, size_t size) {
  // The same digest as Sha256: below the limit in portable code, above it through OpenSSL's
  // low-level interface (the same SHA-NI/AVX2 code), which needs no EVP initialisation; see
  // the top of this file.
  std::array<uint8_t, SHA256_DIGEST_LENGTH> raw;
  if (size < kSha256OneShotLimit) {
    raw = Sha256OneShot(data, size);
  } else {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, data, size);
    SHA256_Final(raw.data(), &ctx);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned char byte : raw) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

}  // namespace strata::store
