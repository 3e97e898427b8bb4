// Reading and setting a file's security.capability xattr without following symlinks.
#include "runtime/oci/file_capability.h"

#include <sys/xattr.h>

#include <cerrno>

#include "compiler/support/errno_error.h"

namespace strata::oci {

llvm::Expected<std::string> ReadFileCapability(const std::string& path) {
  // A capability is 20 (v2) or 24 (v3) bytes; the buffer leaves room for a longer future one.
  char value[256];
  ssize_t n = ::lgetxattr(path.c_str(), kCapabilityXattr, value, sizeof value);
  if (n >= 0) return std::string(value, static_cast<size_t>(n));
  if (errno == ENODATA || errno == ENOTSUP) return std::string();
  return support::ErrnoError(errno, "cannot read the file capability of", path);
}

llvm::Error WriteFileCapability(const std::string& path, const std::string& value) {
  if (value.empty()) return llvm::Error::success();
  if (::lsetxattr(path.c_str(), kCapabilityXattr, value.data(), value.size(), 0) != 0)
    return support::ErrnoError(errno, "cannot set the file capability of", path);
  return llvm::Error::success();
}

}  // namespace strata::oci
