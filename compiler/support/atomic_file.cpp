// WriteFileAtomic: mkstemp beside the destination, so the rename never crosses a file system.
#include "compiler/support/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace strata::support {

llvm::Error ErrnoError(int err, const std::string& what, const std::string& path) {
  return llvm::createStringError(std::error_code(err, std::generic_category()), "%s %s: %s", what.c_str(),
                                 path.c_str(), std::strerror(err));
}

llvm::Error WriteFileAtomic(const std::string& path, std::string_view content, AtomicWriteOptions options) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string pattern = (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + "." + base +
                        ".tmp.XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) return ErrnoError(errno, "cannot create a temp file for", path);
  std::string temp = name.data();
  auto fail = [&](const char* what, const std::string& where) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    return ErrnoError(err, what, where);
  };
  if (::fchmod(fd, options.mode) != 0) return fail("cannot set the mode of", temp);
  for (size_t done = 0; done < content.size();) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write", temp);
    done += static_cast<size_t>(n);
  }
  if (options.durable && ::fsync(fd) != 0) return fail("cannot sync", temp);
  int closed = ::close(fd);
  fd = -1;
  if (closed != 0) return fail("cannot write", temp);
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("cannot replace", path);
  if (options.durable) {
    int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
      ::fsync(dir_fd);
      ::close(dir_fd);
    }
  }
  return llvm::Error::success();
}

}  // namespace strata::support
