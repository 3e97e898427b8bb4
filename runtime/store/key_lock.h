// An exclusive, process-shared lock on one derivation key (flock on locks/<key>.lock).
#pragma once

#include "compiler/support/unique_fd.h"

namespace strata::store {

// Held while a node's output is being produced, so two builds on one store do the work once.
// The kernel drops the lock when the fd closes, including when the process is killed. Lock
// files are never deleted: deleting a flock'ed file races with a process about to lock it.
class KeyLock {
 public:
  explicit KeyLock(support::UniqueFd fd) : fd_(std::move(fd)) {}
  KeyLock(KeyLock&&) noexcept = default;
  KeyLock& operator=(KeyLock&&) noexcept = default;

  // Releases the lock early (the destructor does it otherwise).
  void Unlock() { fd_.Reset(); }
  bool Held() const { return fd_.Valid(); }

 private:
  support::UniqueFd fd_;
};

}  // namespace strata::store
