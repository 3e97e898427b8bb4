// Merged /usr as Debian 12 has it: /bin, /sbin, /lib and /lib64 are symlinks into /usr, and
// dpkg, writing through them, puts a package's /bin/x at /usr/bin/x.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace strata::debian {

// The top-level directories that are symlinks into /usr on a merged-/usr system.
const std::vector<std::string>& UsrMergedDirs();

// Where dpkg writes a data.tar path on a merged-/usr system: "./bin/sh" → "./usr/bin/sh",
// "/lib64/x" → "/usr/lib64/x"; other paths unchanged (the "./" or "/" prefix is kept).
std::string MergedUsrPath(llvm::StringRef path);

// True when `path` is one of the merged directories itself ("./bin", "lib64/"): such an entry
// is the symlink's place and is not extracted.
bool IsUsrMergedDir(llvm::StringRef path);

// Writes the symlinks into `dir` (the system layer's tree): bin, sbin and lib always, and
// lib32, lib64, libx32 and libo32 when one of `trees` (the package layers) has usr/<name>,
// each pointing at usr/<name> (relative, as Debian's usrmerge makes them).
llvm::Error WriteUsrMergeLinks(const std::string& dir, const std::vector<std::string>& trees);

}  // namespace strata::debian
