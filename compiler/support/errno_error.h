// The one way a failed system call becomes an llvm::Error, for every phase and the runtime.
#pragma once

#include <llvm/ADT/Twine.h>
#include <llvm/Support/Error.h>

#include <system_error>

namespace strata::support {

// "what: path: strerror(err)", carrying `err` (an errno value) as the error code.
llvm::Error ErrnoError(int err, const llvm::Twine& what, const llvm::Twine& path);

// An llvm::Error with a std::errc code and a message.
llvm::Error MakeError(std::errc code, const llvm::Twine& message);

}  // namespace strata::support
