// A SandboxRunner for tests of the scheduler and CLI: no root, no runc, scripted results.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "runtime/exec/sandbox_runner.h"

namespace strata::exec {

// Records every spec, creates its upper dir, then asks the handler for the result (default:
// exit 0, no output). The handler may write files into spec.upper_dir to play the step's
// diff. The result's last_lines are replayed to on_line and output_path, as a real run
// would. Thread-safe; the handler runs outside the lock.
class FakeSandboxRunner : public SandboxRunner {
 public:
  using Handler = std::function<llvm::Expected<RunResult>(const RunSpec&)>;
  explicit FakeSandboxRunner(Handler handler = {}) : handler_(std::move(handler)) {}

  llvm::Expected<RunResult> Run(const RunSpec& spec) override;
  std::vector<RunSpec> Calls() const;

 private:
  Handler handler_;
  mutable std::mutex mu_;
  std::vector<RunSpec> calls_;
};

}  // namespace strata::exec
