// SortedDirNames: opendir/readdir once, the one copy for the compiler and the runtime.
#include "compiler/support/dir_names.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "compiler/support/errno_error.h"

namespace strata::support {

llvm::Expected<std::vector<std::string>> SortedDirNames(const std::string& dir) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return ErrnoError(errno, "cannot read directory", dir);
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(handle))
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
      names.push_back(entry->d_name);
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> SortedDirNamesOrNone(const std::string& dir) {
  llvm::Expected<std::vector<std::string>> names = SortedDirNames(dir);
  if (names) return std::move(*names);
  llvm::consumeError(names.takeError());
  return {};
}

}  // namespace strata::support
