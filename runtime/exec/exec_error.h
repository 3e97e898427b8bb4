// Small helpers that turn failed system calls into llvm::Error for the sandbox code.
#pragma once

#include <llvm/ADT/Twine.h>
#include <llvm/Support/Error.h>

#include <cerrno>
#include <system_error>

#include "compiler/support/errno_error.h"

namespace strata::exec {

using support::ErrnoError;

inline llvm::Error SandboxError(const llvm::Twine& message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message.str());
}

}  // namespace strata::exec
