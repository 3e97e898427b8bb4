// Unpacking a .deb's files (its data.tar member) without running any maintainer script.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

namespace strata::debian {

// Extracts the data.tar{,.xz,.zst,.gz,.bz2} member of the .deb at `deb` into the existing
// directory `dir`, with the layer extractor's safety rules: no entry lands outside `dir`
// (`..`, absolute paths and paths through symlinks are refused), owners and modes are kept,
// and a name that an OCI layer would read as a whiteout (".wh.*") is refused. `what` names the
// package in errors. Returns the package's control file (from control.tar), which is what
// dpkg copies into its status database; no maintainer script is read or run.
llvm::Expected<std::string> UnpackDeb(const std::string& deb, const std::string& dir, const std::string& what);

}  // namespace strata::debian
