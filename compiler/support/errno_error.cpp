// ErrnoError and MakeError: error codes kept, so callers can still test what failed.
#include "compiler/support/errno_error.h"

#include <cstring>

namespace strata::support {

llvm::Error ErrnoError(int err, const llvm::Twine& what, const llvm::Twine& path) {
  return llvm::createStringError(std::error_code(err, std::generic_category()),
                                 what + ": " + path + ": " + std::strerror(err));
}

llvm::Error MakeError(std::errc code, const llvm::Twine& message) {
  return llvm::createStringError(std::make_error_code(code), message);
}

}  // namespace strata::support
