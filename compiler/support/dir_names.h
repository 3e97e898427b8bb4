// Listing a directory's names, sorted, so walks and reports do not depend on readdir order.
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace strata::support {

// The names in `dir` other than "." and "..", sorted bytewise. A directory that cannot be
// opened is "cannot read directory: dir: strerror", with errno as the error code.
llvm::Expected<std::vector<std::string>> SortedDirNames(const std::string& dir);

// SortedDirNames, or no names when `dir` cannot be read (a store area not made yet).
std::vector<std::string> SortedDirNamesOrNone(const std::string& dir);

}  // namespace strata::support
