// Listing a directory's names, sorted, so walks and reports do not depend on readdir order.
#pragma once

#include <llvm/Support/Error.h>
#include <sys/stat.h>

#include <string>
#include <utility>
#include <vector>

namespace strata::support {

// A directory's entries as one readdir pass lists them: each name with its d_type (DT_UNKNOWN
// where the file system does not fill it in), without "." and "..", sorted by name bytes.
using DirEntries = std::vector<std::pair<std::string, unsigned char>>;

// The entries of `dir`; `dir_stat`, when given, receives the fstat of the open directory (so a
// walk learns the directory's mode and its children's kinds without an lstat each). A directory
// that cannot be opened or read is "cannot read directory: dir: strerror", with errno as the
// error code.
llvm::Expected<DirEntries> SortedDirEntries(const std::string& dir,
                                            struct stat* dir_stat = nullptr);

// The names in `dir` other than "." and "..", sorted bytewise. A directory that cannot be
// opened is "cannot read directory: dir: strerror", with errno as the error code.
llvm::Expected<std::vector<std::string>> SortedDirNames(const std::string& dir);

// SortedDirNames, or no names when `dir` cannot be read (a store area not made yet).
std::vector<std::string> SortedDirNamesOrNone(const std::string& dir);

}  // namespace strata::support
