// SyncTogether: a few threads take the targets in turn and fsync them.
#include "runtime/store/sync_together.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>

#include "compiler/support/errno_error.h"

namespace strata::store {
namespace {

// Enough in flight for the file system to batch them; a thread each costs ~30 us to start.
constexpr size_t kMaxThreads = 16;

}  // namespace

llvm::Error SyncTogether(const std::vector<SyncTarget>& targets) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  size_t failed_index = targets.size();
  int failed_errno = 0;
  auto sync_some = [&] {
    for (size_t i = next++; i < targets.size(); i = next++) {
      int rc;
      do rc = ::fsync(targets[i].fd);
      while (rc != 0 && errno == EINTR);
      if (rc == 0) continue;
      int error = errno;
      std::lock_guard<std::mutex> lock(mu);
      if (i < failed_index) {
        failed_index = i;
        failed_errno = error;
      }
    }
  };
  size_t helpers = std::min(targets.size(), kMaxThreads) - (targets.empty() ? 0 : 1);
  std::vector<std::thread> threads;
  threads.reserve(helpers);
  for (size_t t = 0; t < helpers; ++t) threads.emplace_back(sync_some);
  sync_some();
  for (std::thread& thread : threads) thread.join();
  if (failed_index < targets.size())
    return support::ErrnoError(failed_errno, "cannot sync", targets[failed_index].path);
  return llvm::Error::success();
}

}  // namespace strata::store
