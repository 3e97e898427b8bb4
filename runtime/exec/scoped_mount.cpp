// Unmounting with retries, and the private tmpfs that holds a step's secrets.
#include "runtime/exec/scoped_mount.h"

#include <sys/mount.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "compiler/support/errno_error.h"
#include "runtime/exec/cancellation.h"

namespace strata::exec {

ScopedMount::ScopedMount(ScopedMount&& other) noexcept : target_(std::move(other.target_)) {
  other.target_.clear();
}

ScopedMount& ScopedMount::operator=(ScopedMount&& other) noexcept {
  if (this != &other) {
    llvm::consumeError(Unmount());
    target_ = std::move(other.target_);
    other.target_.clear();
  }
  return *this;
}

ScopedMount::~ScopedMount() { llvm::consumeError(Unmount()); }

llvm::Error ScopedMount::Unmount() {
  if (target_.empty()) return llvm::Error::success();
  std::string target = target_;
  llvm::Error result = UnmountWithRetries();
  if (target_.empty()) UnregisterMount(target);
  return result;
}

llvm::Error ScopedMount::UnmountWithRetries() {
  int err = 0;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (::umount2(target_.c_str(), 0) == 0) {
      target_.clear();
      return llvm::Error::success();
    }
    err = errno;
    if (err == EINVAL || err == ENOENT) {  // not a mount point any more
      target_.clear();
      return llvm::Error::success();
    }
    if (err != EBUSY) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // A process we cannot see still holds it: detach now, the kernel frees it later.
  if (::umount2(target_.c_str(), MNT_DETACH) == 0) {
    target_.clear();
    return llvm::Error::success();
  }
  return support::ErrnoError(err, "cannot unmount", target_);
}

llvm::Expected<ScopedMount> MountPrivateTmpfs(const std::string& target, uint64_t size_bytes) {
  std::string options = "mode=0700";
  if (size_bytes) options += ",size=" + std::to_string(size_bytes);
  int err = RegisterMount(target, [&] {
    return ::mount("tmpfs", target.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                   options.c_str()) == 0
               ? 0
               : errno;
  });
  if (err != 0) return support::ErrnoError(err, "cannot mount tmpfs", target);
  return ScopedMount(target);
}

}  // namespace strata::exec
