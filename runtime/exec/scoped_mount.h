// An RAII mount point: unmounted when it goes out of scope, so no failure path leaks a mount.
// Mounts made through exec::RegisterMount (cancellation.h) leave that registry when unmounted.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

namespace strata::exec {

class ScopedMount {
 public:
  ScopedMount() = default;
  // Takes ownership of something already mounted at `target`.
  explicit ScopedMount(std::string target) : target_(std::move(target)) {}
  ScopedMount(ScopedMount&& other) noexcept;
  ScopedMount& operator=(ScopedMount&& other) noexcept;
  ScopedMount(const ScopedMount&) = delete;
  ScopedMount& operator=(const ScopedMount&) = delete;
  ~ScopedMount();  // unmounts if still mounted; errors are lost, so call Unmount first

  // Unmounts, retrying while busy, then lazily (MNT_DETACH). Idempotent.
  llvm::Error Unmount();
  bool Mounted() const { return !target_.empty(); }
  const std::string& Target() const { return target_; }

 private:
  llvm::Error UnmountWithRetries();
  std::string target_;
};

// A private tmpfs (nosuid, nodev, noexec, mode 0700) at `target`.
llvm::Expected<ScopedMount> MountPrivateTmpfs(const std::string& target, uint64_t size_bytes);

}  // namespace strata::exec
