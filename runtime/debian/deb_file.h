// Unpacking a .deb's files (its data.tar member) without running any maintainer script.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

namespace strata::debian {

// Extracts the data.tar{,.xz,.zst,.gz,.bz2} member of the .deb at `deb` into the existing
// directory `dir`, with the layer extractor's safety rules: no entry lands outside `dir`
// (`..`, absolute paths and paths through symlinks are refused), owners and modes are kept,
// and a name that an OCI layer would read as a whiteout (".wh.*") is refused. `what` names the
// package in errors. Paths are placed as dpkg places them on a merged-/usr system (Debian 12):
// "./bin/x" lands at "usr/bin/x" (usr_merge.h), hard-link targets too; symlink targets are
// kept as shipped. Returns the package's control file (from control.tar), which is what dpkg
// copies into its status database, and its postinst, which is read (for its
// update-alternatives commands, alternatives.h) but never run.
struct DebControl {
  std::string control;
  std::string postinst;  // "" when the package has none
};
llvm::Expected<DebControl> UnpackDeb(const std::string& deb, const std::string& dir, const std::string& what);

}  // namespace strata::debian
