// The real SandboxRunner: each step runs under runc in a bundle whose rootfs is an overlayfs.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "runtime/exec/sandbox_runner.h"
#include "runtime/exec/step_mounts.h"

namespace strata::exec {

struct RuncOptions {
  std::string runc_path;   // empty: look up "runc" on PATH (then /usr/sbin, /sbin)
  std::string state_root;  // runc --root; empty: /run/strata/runc
  // Where bundles are made; empty: /run/strata/bundles (/run is a tmpfs on most systems, so
  // making and removing a bundle costs no disk I/O).
  std::string bundle_parent;
};

// One Run: mount the overlay (lowers + upper), resolve the user in the merged view, write
// config.json, `runc --root STATE run --bundle BUNDLE ID` with output collected, then
// unmount everything and delete the bundle (on every path). Needs root. Thread-safe.
class RuncRunner : public SandboxRunner {
 public:
  explicit RuncRunner(RuncOptions options = {});
  llvm::Expected<RunResult> Run(const RunSpec& spec) override;

  // The runc executable to use, or the "runc not found" error.
  static llvm::Expected<std::string> FindRunc(const std::string& configured);

 private:
  llvm::Expected<RunResult> RunMounted(const RunSpec& spec, const std::string& runc,
                                       const std::string& bundle, const std::string& rootfs,
                                       std::vector<MountPlaceholder>* placeholders);

  RuncOptions options_;
  std::atomic<uint64_t> next_id_{0};
};

}  // namespace strata::exec
