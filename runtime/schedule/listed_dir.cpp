// ListDir: one opendir, fstat and readdir pass over a directory (support::SortedDirEntries).
#include "runtime/schedule/listed_dir.h"

#include <dirent.h>

#include "compiler/support/dir_names.h"

namespace strata::schedule {

llvm::Expected<ListedDir> ListDir(const std::string& dir) {
  ListedDir listed;
  llvm::Expected<support::DirEntries> children = support::SortedDirEntries(dir, &listed.st);
  if (!children) return children.takeError();
  listed.children = std::move(*children);
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
