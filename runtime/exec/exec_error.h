// The sandbox's own error kind (a bad spec or mount, not a failed system call: those are
// support::ErrnoError).
#pragma once

#include <llvm/ADT/Twine.h>
#include <llvm/Support/Error.h>

#include <cerrno>
#include <system_error>

namespace strata::exec {

inline llvm::Error SandboxError(const llvm::Twine& message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message.str());
}

}  // namespace strata::exec
