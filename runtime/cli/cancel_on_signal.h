// SIGINT and SIGTERM during a build: kill its containers, let it undo its mounts, then die of
// the signal (so a shell sees 130 or 143).
#pragma once

#include <thread>

namespace strata::cli {

// While one exists, SIGINT and SIGTERM start exec::BeginCancel: no new node or container
// starts, running containers are killed, and the build unwinds (every mount undone, every
// bundle removed). A second signal, or kGrace without the build finishing, detaches the
// registered mounts and ends the process at once. Destroy it, then call ExitIfCancelled.
class CancelOnSignal {
 public:
  CancelOnSignal();
  ~CancelOnSignal();
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;

  static constexpr int kGraceSeconds = 20;

 private:
  void Watch();
  std::thread thread_;
};

// When a signal cancelled the build: flushes stdout and dies of that signal. Returns otherwise.
void ExitIfCancelled();

}  // namespace strata::cli
