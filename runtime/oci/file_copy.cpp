// Whole-file reads and atomic file copies for the exporters and importers.
#include "runtime/oci/file_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "compiler/support/errno_error.h"
#include "compiler/support/file_read.h"
#include "compiler/support/unique_fd.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {

using support::ErrnoError;

llvm::Expected<std::string> ReadSmallFile(const std::string& path, uint64_t max_size) {
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoError(errno, "cannot open", path);
  struct stat st;
  if (::fstat(fd.Get(), &st) != 0) return ErrnoError(errno, "cannot stat", path);
  if (!S_ISREG(st.st_mode))
    return support::MakeError(std::errc::invalid_argument, path + ": not a regular file");
  if (static_cast<uint64_t>(st.st_size) > max_size)
    return support::MakeError(std::errc::file_too_large, path + ": file is too large");
  return support::ReadAll(fd.Get(), path, max_size);
}

llvm::Error CopyFd(int in_fd, int out_fd, uint64_t size, const std::string& what) {
  bool use_copy_range = true;
  std::vector<char> buf;
  while (size > 0) {
    if (use_copy_range) {
      ssize_t n = ::copy_file_range(in_fd, nullptr, out_fd, nullptr, size, 0);
      if (n > 0) {
        size -= static_cast<uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0)
        return support::MakeError(std::errc::io_error, what + ": file is shorter than expected");
      use_copy_range = false;  // EXDEV, EINVAL, ENOSYS...: fall back to read/write.
      buf.resize(1 << 20);
    }
    ssize_t n = ::read(in_fd, buf.data(), std::min<uint64_t>(buf.size(), size));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "cannot read", what);
    }
    if (n == 0)
      return support::MakeError(std::errc::io_error, what + ": file is shorter than expected");
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out_fd, buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        return ErrnoError(errno, "cannot write copy of", what);
      }
      done += w;
    }
    size -= static_cast<uint64_t>(n);
  }
  return llvm::Error::success();
}

llvm::Error CopyFileAtomic(const std::string& src, const std::string& dest,
                           support::AtomicWriteOptions options) {
  support::UniqueFd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return ErrnoError(errno, "cannot open", src);
  struct stat st;
  if (::fstat(in.Get(), &st) != 0) return ErrnoError(errno, "cannot stat", src);
  return support::WriteFileAtomicWith(
      dest,
      [&](int out_fd) { return CopyFd(in.Get(), out_fd, static_cast<uint64_t>(st.st_size), src); },
      options);
}

llvm::Error LinkOrCopyFileAtomic(const std::string& src, const std::string& dest) {
  size_t slash = dest.rfind('/');
  std::string temp = (slash == std::string::npos ? std::string() : dest.substr(0, slash + 1)) +
                     "." + dest.substr(slash + 1) + ".link." + std::to_string(::getpid());
  ::unlink(temp.c_str());  // left by a killed process that had our pid
  // Another filesystem (EXDEV), one without links, a full link count...: copy instead.
  if (::link(src.c_str(), temp.c_str()) != 0) return CopyFileAtomic(src, dest);
  support::UniqueFd fd(::open(temp.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    llvm::Error err = ErrnoError(errno, "cannot open", temp);
    ::unlink(temp.c_str());
    return err;
  }
  // The bytes were synced when src was written; this syncs the new link count, the rename and
  // the directory, as a copy's commit does.
  llvm::Error committed = support::CommitTempFile(fd, temp, dest);
  // Also when dest already was this file: rename then succeeds and leaves temp in place.
  ::unlink(temp.c_str());
  if (committed) return committed;
  llvm::consumeError(support::SyncDirectory(ParentDir(dest)));
  return llvm::Error::success();
}

llvm::Error MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec)
    return llvm::createStringError(ec, "cannot create directory " + path + ": " + ec.message());
  return llvm::Error::success();
}

}  // namespace strata::oci
