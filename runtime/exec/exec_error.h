// Small helpers that turn failed system calls into llvm::Error for the sandbox code.
#pragma once

#include <llvm/ADT/Twine.h>
#include <llvm/Support/Error.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace strata::exec {

// "what: path: strerror(err)", carrying err as the error code.
inline llvm::Error ErrnoError(int err, const llvm::Twine& what, const llvm::Twine& path) {
  return llvm::createStringError(std::error_code(err, std::generic_category()),
                                 (what + ": " + path + ": " + std::strerror(err)).str());
}

inline llvm::Error SandboxError(const llvm::Twine& message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message.str());
}

}  // namespace strata::exec
