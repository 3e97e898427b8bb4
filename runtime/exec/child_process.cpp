// posix_spawn plus a poll loop over the child's output pipe.
#include "runtime/exec/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"

extern char** environ;

namespace strata::exec {
namespace {

using Clock = std::chrono::steady_clock;
using support::UniqueFd;

// posix_spawn_file_actions_t with a destructor.
class FileActions {
 public:
  FileActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* Get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

int WaitFor(pid_t pid, int options, int* status) {
  for (;;) {
    pid_t r = ::waitpid(pid, status, options);
    if (r >= 0 || errno != EINTR) return r;
  }
}

}  // namespace

int ExitCodeOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

llvm::Expected<ChildExit> RunChild(const std::vector<std::string>& argv, OutputCollector* output,
                                   std::chrono::milliseconds timeout,
                                   const std::function<void()>& on_timeout) {
  // O_CLOEXEC on both ends: a runc started by another thread must not inherit our pipe,
  // or our EOF would wait for that other step to finish.
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return support::ErrnoError(errno, "cannot create pipe", "");
  UniqueFd read_end(fds[0]), write_end(fds[1]);

  FileActions actions;
  ::posix_spawn_file_actions_addopen(actions.Get(), 0, "/dev/null", O_RDONLY, 0);
  if (output) {
    ::posix_spawn_file_actions_adddup2(actions.Get(), write_end.Get(), 1);
    ::posix_spawn_file_actions_adddup2(actions.Get(), write_end.Get(), 2);
  } else {
    ::posix_spawn_file_actions_addopen(actions.Get(), 1, "/dev/null", O_WRONLY, 0);
    ::posix_spawn_file_actions_adddup2(actions.Get(), 1, 2);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int err = ::posix_spawn(&pid, argv[0].c_str(), actions.Get(), nullptr, args.data(), environ);
  if (err != 0) return support::ErrnoError(err, "cannot start", argv[0]);
  write_end.Reset();

  ChildExit result;
  int status = 0;
  auto start = Clock::now();
  Clock::time_point killed_at{};
  bool sent_sigkill = false;
  char buf[16384];
  for (;;) {
    int wait_ms = -1;
    if (timeout.count() > 0) {
      auto now = Clock::now();
      if (!result.timed_out && now - start >= timeout) {
        result.timed_out = true;
        killed_at = now;
        if (on_timeout) on_timeout();
      }
      if (result.timed_out && !sent_sigkill && now - killed_at >= kKillGrace) {
        ::kill(pid, SIGKILL);
        sent_sigkill = true;
        if (on_timeout) on_timeout();
      }
      if (sent_sigkill && now - killed_at >= 2 * kKillGrace) break;  // abandon the output
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(start + timeout - now);
      wait_ms = result.timed_out ? 200 : static_cast<int>(left.count()) + 1;
    }
    pollfd pfd{read_end.Get(), POLLIN, 0};
    int n = ::poll(&pfd, 1, wait_ms);
    if (n < 0 && errno != EINTR)
      return support::ErrnoError(errno, "cannot poll output of", argv[0]);
    if (n <= 0) continue;
    ssize_t got = ::read(read_end.Get(), buf, sizeof(buf));
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) break;  // EOF: runc and everything in the container are gone
    if (output) output->Append(buf, static_cast<size_t>(got));
  }
  if (output) output->Finish();
  if (WaitFor(pid, 0, &status) < 0) return support::ErrnoError(errno, "cannot wait for", argv[0]);
  result.wait_status = status;
  return result;
}

}  // namespace strata::exec
