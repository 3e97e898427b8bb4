// SortedDirEntries: opendir/readdir once, the one copy for the compiler and the runtime.
#include "compiler/support/dir_names.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "compiler/support/errno_error.h"

namespace strata::support {

llvm::Expected<DirEntries> SortedDirEntries(const std::string& dir, struct stat* dir_stat) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return ErrnoError(errno, "cannot read directory", dir);
  std::unique_ptr<DIR, int (*)(DIR*)> owner(handle, ::closedir);
  if (dir_stat != nullptr && ::fstat(::dirfd(handle), dir_stat) != 0)
    return ErrnoError(errno, "cannot stat", dir);
  DirEntries entries;
  errno = 0;
  while (struct dirent* entry = ::readdir(handle))
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
      entries.emplace_back(entry->d_name, entry->d_type);
  if (errno != 0) return ErrnoError(errno, "cannot read directory", dir);
  std::sort(entries.begin(), entries.end());
  return entries;
}

llvm::Expected<std::vector<std::string>> SortedDirNames(const std::string& dir) {
  llvm::Expected<DirEntries> entries = SortedDirEntries(dir);
  if (!entries) return entries.takeError();
  std::vector<std::string> names;
  names.reserve(entries->size());
  for (auto& [name, type] : *entries) names.push_back(std::move(name));
  return names;
}

std::vector<std::string> SortedDirNamesOrNone(const std::string& dir) {
  llvm::Expected<std::vector<std::string>> names = SortedDirNames(dir);
  if (names) return std::move(*names);
  llvm::consumeError(names.takeError());
  return {};
}

}  // namespace strata::support
