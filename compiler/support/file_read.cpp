// Reading a whole file (or an open descriptor) to its end, with a size bound.
#include "compiler/support/file_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"

namespace strata::support {

llvm::Expected<std::string> ReadAll(int fd, const std::string& path, uint64_t max_size) {
  std::string out;
  // A regular file's size is known: one allocation instead of doubling (a Packages index is
  // ~50 MB).
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) <= max_size)
    out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "cannot read", path);
    }
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_size)
      return MakeError(std::errc::file_too_large, path + ": file is too large");
  }
}

llvm::Expected<std::string> ReadFile(const std::string& path, uint64_t max_size) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoError(errno, "cannot open", path);
  return ReadAll(fd.Get(), path, max_size);
}

}  // namespace strata::support
