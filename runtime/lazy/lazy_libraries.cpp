// libcrypto, libzstd and libtinfo opened on first use through jump stubs (lazy_stubs.h).
//
// None of them is needed by a warm no-op `strata build`, a check or a graph: libcrypto hashes
// streams (layers, downloads; small one-shot digests use store/sha256_block.h) and reads the
// Java CA certificates, libzstd compresses layers, and libtinfo is LLVM's query of terminal
// colours. Linked, they (and zlib, before gzip moved to libdeflate, linked statically) were 4
// of the 10 libraries mapped at every start, and libcrypto's relocations ~120 page faults of a
// no-op's ~420 (issue 14; docs/runtime.md).
#include "runtime/lazy/lazy_stubs.h"

// X(name) for every function of each library that Strata (or LLVM Support) calls, sorted.
#define STRATA_LIBCRYPTO_FUNCTIONS(X) \
  X(BIO_free)                         \
  X(BIO_new_file)                     \
  X(EVP_Digest)                       \
  X(EVP_DigestFinal_ex)               \
  X(EVP_DigestInit_ex)                \
  X(EVP_DigestUpdate)                 \
  X(EVP_MD_CTX_free)                  \
  X(EVP_MD_CTX_new)                   \
  X(EVP_md5)                          \
  X(EVP_sha1)                         \
  X(EVP_sha256)                       \
  X(PEM_read_bio_X509)                \
  X(SHA256_Final)                     \
  X(SHA256_Init)                      \
  X(SHA256_Update)                    \
  X(X509_free)                        \
  X(i2d_X509)

#define STRATA_LIBZSTD_FUNCTIONS(X) \
  X(ZSTD_CCtx_setParameter)         \
  X(ZSTD_CStreamOutSize)            \
  X(ZSTD_compressStream2)           \
  X(ZSTD_createCCtx)                \
  X(ZSTD_freeCCtx)                  \
  X(ZSTD_getErrorName)              \
  X(ZSTD_isError)                   \
  X(ZSTD_versionString)

#define STRATA_LIBTINFO_FUNCTIONS(X) \
  X(del_curterm)                     \
  X(set_curterm)                     \
  X(setupterm)                       \
  X(tigetnum)

#define STRATA_CRYPTO_SLOT(name) STRATA_LAZY_SLOT(crypto, name)
#define STRATA_CRYPTO_FILL(name) STRATA_LAZY_FILL(crypto, "libcrypto.so.3", name)
#define STRATA_CRYPTO_STUB(name) STRATA_LAZY_STUB(crypto, name)
STRATA_LIBCRYPTO_FUNCTIONS(STRATA_CRYPTO_SLOT)
STRATA_LAZY_LOADER(crypto, "libcrypto.so.3", STRATA_LIBCRYPTO_FUNCTIONS(STRATA_CRYPTO_FILL))
STRATA_LIBCRYPTO_FUNCTIONS(STRATA_CRYPTO_STUB)

#define STRATA_ZSTD_SLOT(name) STRATA_LAZY_SLOT(zstd, name)
#define STRATA_ZSTD_FILL(name) STRATA_LAZY_FILL(zstd, "libzstd.so.1", name)
#define STRATA_ZSTD_STUB(name) STRATA_LAZY_STUB(zstd, name)
STRATA_LIBZSTD_FUNCTIONS(STRATA_ZSTD_SLOT)
STRATA_LAZY_LOADER(zstd, "libzstd.so.1", STRATA_LIBZSTD_FUNCTIONS(STRATA_ZSTD_FILL))
STRATA_LIBZSTD_FUNCTIONS(STRATA_ZSTD_STUB)

#define STRATA_TINFO_SLOT(name) STRATA_LAZY_SLOT(tinfo, name)
#define STRATA_TINFO_FILL(name) STRATA_LAZY_FILL(tinfo, "libtinfo.so.6", name)
#define STRATA_TINFO_STUB(name) STRATA_LAZY_STUB(tinfo, name)
STRATA_LIBTINFO_FUNCTIONS(STRATA_TINFO_SLOT)
STRATA_LAZY_LOADER(tinfo, "libtinfo.so.6", STRATA_LIBTINFO_FUNCTIONS(STRATA_TINFO_FILL))
STRATA_LIBTINFO_FUNCTIONS(STRATA_TINFO_STUB)
