// mkdir -p, a mount-safe rm -rf, and temporary bundle directories.
#include "runtime/exec/scratch_dir.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "compiler/support/errno_error.h"
#include "runtime/exec/exec_error.h"

namespace strata::exec {

llvm::Error MakeDirs(const std::string& path, mode_t mode) {
  if (path.empty()) return SandboxError("empty directory path");
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), mode) == 0 || errno == EEXIST) continue;
    return support::ErrnoError(errno, "cannot create directory", prefix);
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return support::ErrnoError(errno, "cannot stat", path);
  if (!S_ISDIR(st.st_mode)) return support::ErrnoError(ENOTDIR, "cannot create directory", path);
  return llvm::Error::success();
}

namespace {

int RemoveEntry(const char* path, const struct stat*, int type, struct FTW*) {
  int rc = (type == FTW_DP) ? ::rmdir(path) : ::unlink(path);
  // Keep going on errors (a mount point left in place fails rmdir); the caller checks.
  (void)rc;
  return 0;
}

}  // namespace

llvm::Error RemoveTree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return llvm::Error::success();
    return support::ErrnoError(errno, "cannot stat", path);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlink(path.c_str()) != 0) return support::ErrnoError(errno, "cannot remove", path);
    return llvm::Error::success();
  }
  // FTW_MOUNT: stay on this filesystem; FTW_PHYS: never follow symlinks.
  if (::nftw(path.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0)
    return support::ErrnoError(errno, "cannot remove", path);
  if (::lstat(path.c_str(), &st) == 0) return support::ErrnoError(ENOTEMPTY, "cannot remove", path);
  return llvm::Error::success();
}

llvm::Expected<ScratchDir> ScratchDir::Create(const std::string& parent,
                                              const std::string& prefix) {
  if (auto err = MakeDirs(parent, 0700)) return err;
  std::string templ = parent + "/" + prefix + "XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    return support::ErrnoError(errno, "cannot create directory in", parent);
  return ScratchDir(std::string(buf.data()));
}

ScratchDir::~ScratchDir() { llvm::consumeError(Remove()); }

llvm::Error ScratchDir::Remove() {
  if (path_.empty()) return llvm::Error::success();
  auto err = RemoveTree(path_);
  if (!err) path_.clear();
  return err;
}

}  // namespace strata::exec
