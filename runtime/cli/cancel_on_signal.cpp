// A self-pipe signal handler and a thread that turns SIGINT/SIGTERM into a clean cancellation.
#include "runtime/cli/cancel_on_signal.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "runtime/exec/cancellation.h"

namespace strata::cli {
namespace {

int pipe_fds[2] = {-1, -1};
struct sigaction old_int, old_term;

// The byte written for a signal the kernel sent on its own, as a terminal's Ctrl-C is (a
// kill(2) from a process is SI_USER): the low bits hold the signal number.
constexpr unsigned char kFromKernel = 0x80;

void OnSignal(int signal, siginfo_t* info, void*) {
  int saved = errno;
  unsigned char byte = static_cast<unsigned char>(signal);
  if (info && info->si_code == SI_KERNEL) byte |= kFromKernel;
  [[maybe_unused]] ssize_t n = ::write(pipe_fds[1], &byte, 1);
  errno = saved;
}

void Die(int signal) {
  std::cout.flush();
  std::fflush(nullptr);
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  ::sigaction(signal, &action, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(signal);
  ::_exit(128 + signal);  // not reached
}

}  // namespace

CancelOnSignal::CancelOnSignal() {
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return;  // no cancellation then: signals kill
  thread_ = std::thread([this] { Watch(); });
  struct sigaction action {};
  action.sa_sigaction = OnSignal;
  action.sa_flags = SA_RESTART | SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, &old_int);
  ::sigaction(SIGTERM, &action, &old_term);
}

CancelOnSignal::~CancelOnSignal() {
  if (!thread_.joinable()) return;
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  unsigned char stop = 0;
  [[maybe_unused]] ssize_t n = ::write(pipe_fds[1], &stop, 1);
  thread_.join();
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  pipe_fds[0] = pipe_fds[1] = -1;
}

void CancelOnSignal::Watch() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline{};
  for (;;) {
    pollfd pfd{pipe_fds[0], POLLIN, 0};
    int ready = ::poll(&pfd, 1, exec::Cancelled() ? 200 : -1);
    if (ready > 0) {
      unsigned char byte = 0;
      if (::read(pipe_fds[0], &byte, 1) != 1) continue;
      if (byte == 0) return;  // the build is over
      int signal = byte & ~kFromKernel;
      // `strata run`'s program is running: the signal is its own (podman run's sig-proxy).
      if (!exec::Cancelled() && exec::ForwardSignal(signal, byte & kFromKernel)) continue;
      if (!exec::Cancelled()) {
        exec::BeginCancel(signal);
        deadline = Clock::now() + std::chrono::seconds(kGraceSeconds);
        std::cerr << "strata: " << ::strsignal(signal) << ": stopping the build\n";
      } else {
        deadline = Clock::now();  // a second signal: stop now
      }
    }
    if (!exec::Cancelled()) continue;
    exec::KillContainers();  // again each round: one may have been in creation
    if (Clock::now() >= deadline) {
      std::cerr << "strata: the build did not stop in time; detaching its mounts and exiting\n";
      exec::KillContainers();
      exec::DetachAllMounts();
      Die(exec::CancelSignal());
    }
  }
}

void ExitIfCancelled() {
  if (int signal = exec::CancelSignal()) Die(signal);
}

}  // namespace strata::cli
