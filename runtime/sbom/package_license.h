// Finding the license of an unpacked Debian package: its /usr/share/doc/NAME/copyright.
#pragma once

#include <string>
#include <vector>

namespace strata::sbom {

// The SPDX expression of `package`'s DEP-5 copyright file, or "" when it has none that is
// machine-readable. `trees` are the unpacked layer trees of one base (a package's files may
// be in any of them: /usr/share/doc/NAME is often a symlink to another package's directory,
// as for `libpython3.11-minimal`). Symlinks are followed only by name inside usr/share/doc, so
// nothing outside the trees is ever read. Files over 1 MB are not read.
std::string PackageLicense(const std::vector<std::string>& trees, const std::string& package);

}  // namespace strata::sbom
