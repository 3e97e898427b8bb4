// Verified downloads from a Debian mirror into the store, through an optional shared download
// cache (files named by their sha256) that lets many stores and test runs fetch a file once.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <string>

#include "runtime/store/store.h"

namespace strata::debian {

// $STRATA_DEBIAN_CACHE, or "" (no download cache).
std::string DownloadCacheDir();

// Puts the file with that sha256 (64 hex) into the store as a blob and returns the blob's
// path. A blob already in the store is not fetched again; otherwise the download cache is
// tried, then `url`. The bytes are hashed as they are written and published only when they
// match, so a tampered file or cache entry never enters the store: the error names `what`
// and both hashes. A blob already in the store is hashed again before it is trusted (a corrupt
// one is removed and fetched again). `size`, when not 0, is the file's size as the lock or the
// index gives it: a download is cut off as soon as it passes it and a cache entry of another
// size is refused, so a mirror (or anyone on the plain-http path) sending endless bytes costs
// nothing. `bytes` (when not null) gets how many bytes came over the network.
llvm::Expected<std::string> FetchBlob(const store::Store& store, const std::string& url,
                                      llvm::StringRef sha256, const std::string& what,
                                      uint64_t size, uint64_t* bytes = nullptr);

// The body of a small file (InRelease) at `url`, at most kMaxTextBytes (a larger one is an
// error, cut off there). A 404 is an error saying the file is not on the mirror; other failures
// name the host.
inline constexpr size_t kMaxTextBytes = 16 << 20;
llvm::Expected<std::string> FetchText(const std::string& url);

}  // namespace strata::debian
