// ListDir: one opendir, fstat and readdir pass over a directory.
#include "runtime/schedule/listed_dir.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "compiler/support/errno_error.h"

namespace strata::schedule {

llvm::Expected<ListedDir> ListDir(const std::string& dir) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return support::ErrnoError(errno, "cannot read directory", dir);
  std::unique_ptr<DIR, int (*)(DIR*)> owner(handle, ::closedir);
  ListedDir listed;
  if (::fstat(::dirfd(handle), &listed.st) != 0)
    return support::ErrnoError(errno, "cannot stat", dir);
  errno = 0;
  while (struct dirent* entry = ::readdir(handle)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    listed.children.emplace_back(entry->d_name, entry->d_type);
  }
  if (errno != 0) return support::ErrnoError(errno, "cannot read directory", dir);
  std::sort(listed.children.begin(), listed.children.end());
  return listed;
}

char LocalKindOf(unsigned char d_type) {
  switch (d_type) {
    case DT_DIR:
      return 'd';
    case DT_REG:
      return 'f';
    case DT_LNK:
      return 'l';
    default:
      return 0;
  }
}

}  // namespace strata::schedule
