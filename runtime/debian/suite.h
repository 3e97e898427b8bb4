// One suite of a Debian mirror for one architecture: its verified Release and Packages index.
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "runtime/debian/package_index.h"
#include "runtime/debian/release.h"
#include "runtime/store/store.h"

namespace strata::debian {

struct SuiteSource {
  std::string mirror;  // "http://deb.debian.org/debian" (no trailing slash needed)
  std::string suite = "bookworm";
  std::string component = "main";
  std::string arch = "amd64";
  std::string keyring;  // "" for DefaultKeyring()
};

struct Suite {
  Release release;
  std::string release_sha256;      // of the verified Release text (what a lock records)
  std::string index_sha256;        // of the Packages.xz blob in the store ("" when not fetched)
  std::string plain_index_sha256;  // of the plain Packages text kept in the store ("" if none)
  std::unique_ptr<PackageIndex> index;
  std::string where;  // "bookworm/main amd64", for messages
};

// Debian's own redirector to its mirrors: the fallback of DefaultMirror, and the mirror an SBOM
// names for a base whose program names none (which mirror a build used is not in its key).
inline constexpr char kCanonicalMirror[] = "http://deb.debian.org/debian";

// The mirror the host's apt sources name first (/etc/apt/sources.list.d/*.sources "URIs:",
// /etc/apt/sources.list "deb URL"), else http://deb.debian.org/debian; $STRATA_DEBIAN_MIRROR
// wins over both.
std::string DefaultMirror();

// Fetches dists/SUITE/InRelease and verifies it with gpgv, checks that it is the suite asked
// for, fetches COMPONENT/binary-ARCH/Packages.xz (by hash when the Release offers it) into the
// store, verified against the Release's sha256, and parses it. Errors name the suite and the
// mirror: an unknown suite, an unreachable mirror, a bad signature, a hash mismatch.
llvm::Expected<Suite> LoadSuite(const store::Store& store, const SuiteSource& source);

// The plain Packages text with that sha256 as an earlier LoadSuite kept it in the store, read
// and hashed; nothing when it is not there, and nothing (the blob removed) when its bytes do
// not hash to its name. `size` bounds the read.
std::optional<std::string> ReadKeptIndex(const store::Store& store, llvm::StringRef sha256,
                                         uint64_t size);

// The contents of an xz (or gzip, zstd) compressed file; `size_hint` is the expected size
// (reserved up front). `what` names the file in errors.
llvm::Expected<std::string> Decompress(const std::string& path, const std::string& what,
                                       uint64_t size_hint);

}  // namespace strata::debian
