// Starting a program without a shell and collecting its combined output, with a deadline.
#pragma once

#include <llvm/Support/Error.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "runtime/exec/output_collector.h"

namespace strata::exec {

struct ChildExit {
  int wait_status = 0;  // as from waitpid
  bool timed_out = false;
};

// Runs argv (argv[0] an absolute path) through posix_spawn with stdin on /dev/null and
// stdout+stderr into `output` (or /dev/null when null) until the output closes and the child
// exits. When `timeout` (0: none) passes, calls on_timeout() (which should stop the child
// gracefully) and marks the result timed out; a child still running kKillGrace later gets
// SIGKILL, and output still open after that is abandoned.
llvm::Expected<ChildExit> RunChild(const std::vector<std::string>& argv, OutputCollector* output,
                                   std::chrono::milliseconds timeout,
                                   const std::function<void()>& on_timeout);

constexpr std::chrono::seconds kKillGrace{10};

// Exit code (or 128+signal) of a wait status, as a shell reports it.
int ExitCodeOf(int wait_status);

}  // namespace strata::exec
