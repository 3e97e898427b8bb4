// RootedDir: component-wise O_NOFOLLOW directory walks and symlink-safe recursive removal.
#include "runtime/oci/rooted_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {

bool SplitTarPath(llvm::StringRef path, std::vector<std::string>& parts) {
  parts.clear();
  llvm::SmallVector<llvm::StringRef, 8> pieces;
  path.split(pieces, '/');
  for (llvm::StringRef piece : pieces) {
    if (piece.empty() || piece == ".") continue;
    if (piece == "..") return false;
    parts.push_back(piece.str());
  }
  return true;
}

std::string JoinParts(const std::vector<std::string>& parts, size_t count) {
  std::string joined;
  for (size_t i = 0; i < count && i < parts.size(); ++i) joined += (i ? "/" : "") + parts[i];
  return joined;
}

llvm::Expected<support::UniqueFd> RootedDir::OpenDir(const std::vector<std::string>& parts,
                                                     size_t count, bool create) const {
  support::UniqueFd fd(::fcntl(root_.Get(), F_DUPFD_CLOEXEC, 0));
  if (!fd) return support::ErrnoError(errno, "cannot duplicate", "the extraction root");
  for (size_t i = 0; i < count; ++i) {
    const char* name = parts[i].c_str();
    int next = ::openat(fd.Get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0 && errno == ENOENT && create) {
      if (::mkdirat(fd.Get(), name, 0755) != 0 && errno != EEXIST)
        return support::ErrnoError(errno, "cannot create directory", JoinParts(parts, i + 1));
      next = ::openat(fd.Get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (next < 0) {
      int err = errno;
      struct stat st;
      if (::fstatat(fd.Get(), name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        return support::MakeError(std::errc::too_many_symbolic_link_levels,
                                  "goes through the symlink '" + JoinParts(parts, i + 1) + "'");
      if (err == ENOTDIR || err == ELOOP)
        return support::MakeError(
            std::errc::not_a_directory,
            "goes through '" + JoinParts(parts, i + 1) + "', not a directory");
      return support::ErrnoError(err, "cannot open directory", JoinParts(parts, i + 1));
    }
    fd.Reset(next);
  }
  return fd;
}

llvm::Error RemoveAt(int dir_fd, const std::string& name) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return llvm::Error::success();
    return support::ErrnoError(errno, "cannot stat", name);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0)
      return support::ErrnoError(errno, "cannot remove", name);
    return llvm::Error::success();
  }
  int sub = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sub < 0) return support::ErrnoError(errno, "cannot open directory", name);
  DIR* dir = ::fdopendir(sub);
  if (dir == nullptr) {
    ::close(sub);
    return support::ErrnoError(errno, "cannot read directory", name);
  }
  std::vector<std::string> children;
  while (struct dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
      children.push_back(entry->d_name);
  }
  llvm::Error result = llvm::Error::success();
  for (const std::string& child : children) {
    if (llvm::Error err = RemoveAt(::dirfd(dir), child)) {
      result = std::move(err);
      break;
    }
  }
  ::closedir(dir);
  if (result) return result;
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0)
    return support::ErrnoError(errno, "cannot remove directory", name);
  return llvm::Error::success();
}

}  // namespace strata::oci
