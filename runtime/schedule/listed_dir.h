// A directory as one readdir lists it: each name with its d_type, and the directory's own
// fstat, so a walk learns kinds and the directory's mode without an lstat per entry.
#pragma once

#include <llvm/Support/Error.h>
#include <sys/stat.h>

#include <string>
#include <utility>
#include <vector>

namespace strata::schedule {

struct ListedDir {
  struct stat st {};  // fstat of the open directory
  // Without "." and "..", sorted by name bytes; the second member is readdir's d_type
  // (DT_UNKNOWN where the file system does not fill it in).
  std::vector<std::pair<std::string, unsigned char>> children;
};

// Lists `dir` (opendir, fstat, readdir). A directory that cannot be opened or read is "cannot
// read directory: dir: strerror".
llvm::Expected<ListedDir> ListDir(const std::string& dir);

// The kind a local manifest records ('d', 'f', 'l', graph/local_manifest.h) for a d_type, or 0
// for any other type and for DT_UNKNOWN.
char LocalKindOf(unsigned char d_type);

}  // namespace strata::schedule
