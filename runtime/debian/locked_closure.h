// Checks that a closure fetched from strata.lock is what the lock says it is: a lock edited by
// hand or damaged must fail the build, not give an image whose SBOM, history and dpkg status
// disagree (the sha256 check alone proves only that the file is the one the lock names).
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace strata::debian {

// The package a .deb's control file (`control`) describes must be `name` `version` for `arch`
// (its Package, Version and Architecture fields); otherwise an error saying what the file
// (`filename`) was listed as and what it is.
llvm::Error CheckControlIs(llvm::StringRef control, llvm::StringRef name, llvm::StringRef version,
                           llvm::StringRef arch, llvm::StringRef filename);

// Every requested package ("name" or "name=version", as the `debian` record writes them) must be
// a package of the closure, given by the control files of its .debs, at that version, or one a
// package of it provides (`Provides`, versioned for "name=version"), as the resolver would
// have satisfied it. Otherwise an error "has no package REQUEST" for the first one missing,
// for the caller to say whose closure it is.
llvm::Error CheckClosureHasRequested(const std::vector<std::string>& requested,
                                     const std::vector<std::string>& controls);

}  // namespace strata::debian
