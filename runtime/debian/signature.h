// Verifying a clearsigned InRelease file with gpgv against the archive keyrings.
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace strata::debian {

// Debian's archive keyring (package debian-archive-keyring), or $STRATA_DEBIAN_KEYRING.
std::string DefaultKeyring();

// Runs `gpgv --keyring K... --output - FILE` and returns the signed text gpgv wrote: only what
// the signature covers is ever parsed, never the armour around it. A missing gpgv or keyring,
// or a signature that does not verify, is an error quoting gpgv's last lines; `what` names
// the file in it ("http://deb.debian.org/debian/dists/bookworm/InRelease").
llvm::Expected<std::string> VerifyClearsigned(const std::string& path,
                                              const std::vector<std::string>& keyrings,
                                              const std::string& what);

}  // namespace strata::debian
