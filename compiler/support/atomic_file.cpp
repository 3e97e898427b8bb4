// WriteFileAtomic and friends: mkstemp beside the destination, so the rename never crosses a
// file system.
#include "compiler/support/atomic_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace strata::support {

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

llvm::Error SyncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return ErrnoError(errno, "cannot open directory", dir);
  if (::fsync(fd.Get()) != 0) return ErrnoError(errno, "cannot fsync directory", dir);
  return llvm::Error::success();
}

llvm::Error CommitTempFile(UniqueFd& fd, const std::string& temp, const std::string& dest,
                           bool durable) {
  if (durable && ::fsync(fd.Get()) != 0) return ErrnoError(errno, "cannot fsync", temp);
  if (::rename(temp.c_str(), dest.c_str()) != 0) return ErrnoError(errno, "cannot rename to", dest);
  fd.Reset();
  return llvm::Error::success();
}

llvm::Error WriteFileAtomicWith(const std::string& path,
                                const std::function<llvm::Error(int fd)>& write,
                                AtomicWriteOptions options) {
  size_t slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string pattern = (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) +
                        "." + base + ".tmp.XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  UniqueFd fd(::mkstemp(name.data()));
  if (!fd) return ErrnoError(errno, "cannot create a temp file beside", path);
  std::string temp = name.data();
  auto discard = [&](llvm::Error err) {
    fd.Reset();
    ::unlink(temp.c_str());
    return err;
  };
  unsigned mode = options.mode;
  struct stat existing;
  if (options.keep_existing_mode && ::stat(path.c_str(), &existing) == 0)
    mode = existing.st_mode & 07777;
  if (::fchmod(fd.Get(), mode) != 0)
    return discard(ErrnoError(errno, "cannot set the mode of", temp));
  if (llvm::Error err = write(fd.Get())) return discard(std::move(err));
  if (llvm::Error err = CommitTempFile(fd, temp, path, options.durable))
    return discard(std::move(err));
  // The new file is in place; a directory that cannot be synced does not undo that.
  if (options.durable) llvm::consumeError(SyncDirectory(ParentDir(path)));
  return llvm::Error::success();
}

llvm::Error WriteAll(int fd, const void* data, size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  for (size_t done = 0; done < size;) {
    ssize_t n = ::write(fd, p + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(errno, "cannot write", path);
    done += static_cast<size_t>(n);
  }
  return llvm::Error::success();
}

llvm::Error WriteFileAtomic(const std::string& path, std::string_view content,
                            AtomicWriteOptions options) {
  return WriteFileAtomicWith(
      path, [&](int fd) { return WriteAll(fd, content.data(), content.size(), path); }, options);
}

llvm::Expected<bool> PublishDir(const std::string& from, const std::string& to,
                                ExistingDir existing) {
  if (::rename(from.c_str(), to.c_str()) == 0) return false;
  if (errno != EEXIST && errno != ENOTEMPTY) return ErrnoError(errno, "cannot rename to", to);
  if (existing == ExistingDir::kKeep) return true;
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) != 0)
    return ErrnoError(errno, "cannot exchange", to);
  return true;
}

}  // namespace strata::support
