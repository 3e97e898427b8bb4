// Unpacking a .deb's files (its data.tar member) without running any maintainer script.
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

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
  // What dpkg keeps in /var/lib/dpkg/info (system_files.h): the files list, "/." then every
  // data.tar entry in archive order as shipped ("/bin/bash", not its merged-/usr place), those
  // a path_exclude left out included, as dpkg --path-exclude keeps them; and the md5sums
  // ("HEX  bin/bash" lines): the package's own, else made from the unpacked regular files
  // that are not conffiles, as dpkg makes them for a package that ships none.
  std::vector<std::string> files;
  std::string md5sums;
};
// `path_exclude` holds dpkg --path-exclude style patterns (fnmatch without flags, so `*` also
// matches `/`) tried on each entry's absolute path, as the package ships it and as it lands on
// merged /usr: a matching file or link is not unpacked, and neither is a matching directory
// or anything below it.
llvm::Expected<DebControl> UnpackDeb(const std::string& deb, const std::string& dir,
                                     const std::string& what,
                                     const std::vector<std::string>& path_exclude = {});

}  // namespace strata::debian
