// The scripted SandboxRunner used by tests that must not need root.
#include "runtime/exec/fake_sandbox_runner.h"

#include <fstream>

#include "runtime/exec/exec_error.h"
#include "runtime/exec/scratch_dir.h"

namespace strata::exec {

llvm::Expected<RunResult> FakeSandboxRunner::Run(const RunSpec& spec) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(spec);
  }
  if (spec.argv.empty()) return SandboxError("a build step needs a command (argv is empty)");
  if (!spec.upper_dir.empty())
    if (auto err = MakeDirs(spec.upper_dir)) return err;
  RunResult result;
  result.exit_code = 0;
  if (handler_) {
    auto scripted = handler_(spec);
    if (!scripted) return scripted.takeError();
    result = std::move(*scripted);
  }
  if (result.last_lines.size() > RunResult::kTailLines)
    result.last_lines.erase(result.last_lines.begin(),
                            result.last_lines.end() - RunResult::kTailLines);
  std::ofstream capture;
  if (!spec.output_path.empty()) capture.open(spec.output_path, std::ios::trunc);
  for (const auto& line : result.last_lines) {
    if (spec.on_line) spec.on_line(line);
    if (capture) capture << line << '\n';
  }
  return result;
}

std::vector<RunSpec> FakeSandboxRunner::Calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

}  // namespace strata::exec
