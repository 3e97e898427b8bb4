// Incremental SHA-256 (OpenSSL libcrypto) producing the OCI digest form "sha256:<64 hex>".
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>

namespace strata::store {

class Sha256 {
 public:
  Sha256();
  Sha256(Sha256&&) noexcept = default;
  Sha256& operator=(Sha256&&) noexcept = default;

  void Update(const void* data, size_t size);
  // Finishes the hash; the object must not be updated afterwards.
  std::string HexDigest();
  // "sha256:" + HexDigest().
  std::string Digest() { return "sha256:" + HexDigest(); }

 private:
  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx_;
};

// Buffers below this size are hashed by Sha256Digest without libcrypto (sha256.cpp).
inline constexpr size_t kSha256OneShotLimit = size_t{1} << 20;

// One-shot helper for buffers ("sha256:<64 hex>").
std::string Sha256Digest(const void* data, size_t size);

}  // namespace strata::store
