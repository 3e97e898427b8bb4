// Runs work on a thread with a large stack, so deep (but legal) nesting in user input ends in
// a depth diagnostic from the phase's own guard rather than a stack overflow.
#pragma once

#include <cstddef>
#include <functional>

namespace strata::support {

inline constexpr size_t kLargeStackBytes = size_t{512} << 20;

// Calls `work` on a new thread with `stack_bytes` of stack and waits for it. Exceptions
// thrown by `work` are rethrown in the caller.
void RunOnLargeStack(const std::function<void()>& work, size_t stack_bytes = kLargeStackBytes);

}  // namespace strata::support
