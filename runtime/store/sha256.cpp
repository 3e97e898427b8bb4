// Incremental SHA-256 over OpenSSL's EVP interface (uses SHA-NI where the CPU has it).
#include "runtime/store/sha256.h"

#include <cstdlib>

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
  Sha256 hash;
  hash.Update(data, size);
  return hash.Digest();
}

}  // namespace strata::store
