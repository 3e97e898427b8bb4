// RuncRunner: bundle, overlay rootfs, config.json, `runc run`, and cleanup on every path.
#include "runtime/exec/runc_runner.h"

#include <fcntl.h>
#include <llvm/ADT/SmallVector.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/exec/cancellation.h"
#include "runtime/exec/child_process.h"
#include "runtime/exec/exec_error.h"
#include "runtime/exec/oci_config.h"
#include "runtime/exec/output_collector.h"
#include "runtime/exec/overlay_mount.h"
#include "runtime/exec/rootfs_path.h"
#include "runtime/exec/scratch_dir.h"
#include "runtime/exec/step_mounts.h"
#include "runtime/exec/user_resolver.h"

namespace strata::exec {
namespace {

using Clock = std::chrono::steady_clock;
using support::UniqueFd;

bool IsExecutable(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

llvm::Error CheckAbsolute(const std::string& path, const char* what) {
  if (path.empty() || path[0] != '/')
    return SandboxError(llvm::Twine(what) + " must be an absolute path: '" + path + "'");
  return llvm::Error::success();
}

llvm::Error ValidateSpec(const RunSpec& spec) {
  if (spec.argv.empty()) return SandboxError("a build step needs a command (argv is empty)");
  if (auto err = CheckAbsolute(spec.upper_dir, "upper dir")) return err;
  if (auto err = CheckAbsolute(spec.work_dir, "work dir")) return err;
  for (const auto& lower : spec.lower_dirs)
    if (auto err = CheckAbsolute(lower, "layer dir")) return err;
  auto cwd = SplitSandboxPath(spec.cwd);
  if (!cwd) return SandboxError("invalid working directory: " + llvm::toString(cwd.takeError()));
  for (const auto& kv : spec.env)
    if (kv.find('=') == std::string::npos || kv[0] == '=')
      return SandboxError("environment entry must be KEY=VALUE: '" + kv + "'");
  return llvm::Error::success();
}

llvm::Error WriteFile(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return support::ErrnoError(errno, "cannot create", path);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd.Get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return support::ErrnoError(errno, "cannot write", path);
    done += static_cast<size_t>(n);
  }
  return llvm::Error::success();
}

llvm::Error CancelledError() {
  return llvm::createStringError(std::make_error_code(std::errc::operation_canceled),
                                 "the build was cancelled");
}

}  // namespace

RuncRunner::RuncRunner(RuncOptions options) : options_(std::move(options)) {
  if (options_.state_root.empty()) options_.state_root = "/run/strata/runc";
  if (options_.bundle_parent.empty()) options_.bundle_parent = "/run/strata/bundles";
}

llvm::Expected<std::string> RuncRunner::FindRunc(const std::string& configured) {
  if (!configured.empty()) {
    if (IsExecutable(configured)) return configured;
    return SandboxError("runc not found at '" + configured + "'");
  }
  llvm::SmallVector<llvm::StringRef, 16> dirs;
  if (const char* path = std::getenv("PATH")) llvm::StringRef(path).split(dirs, ':', -1, false);
  // root's sbin dirs are often missing from PATH in non-login shells and services.
  for (const char* dir : {"/usr/local/sbin", "/usr/sbin", "/sbin"}) dirs.push_back(dir);
  for (auto dir : dirs) {
    std::string candidate = (dir + "/runc").str();
    if (IsExecutable(candidate)) return candidate;
  }
  return SandboxError("runc not found on PATH (install Debian's runc)");
}

llvm::Expected<RunResult> RuncRunner::Run(const RunSpec& spec) {
  auto start = Clock::now();
  if (Cancelled()) return CancelledError();
  if (::geteuid() != 0)
    return SandboxError("running build steps needs root (overlayfs mounts and runc need it)");
  auto runc = FindRunc(options_.runc_path);
  if (!runc) return runc.takeError();
  if (auto err = ValidateSpec(spec)) return err;
  if (auto err = MakeDirs(spec.upper_dir)) return err;
  if (auto err = MakeDirs(spec.work_dir)) return err;
  if (auto err = MakeDirs(options_.state_root, 0700)) return err;

  // Destruction order matters on error paths: unmount the overlay before the bundle goes.
  auto bundle = ScratchDir::Create(options_.bundle_parent, "strata-bundle-");
  if (!bundle) return bundle.takeError();
  std::string rootfs = bundle->Path() + "/rootfs";
  if (::mkdir(rootfs.c_str(), 0755) != 0)
    return support::ErrnoError(errno, "cannot create", rootfs);
  std::vector<std::string> lowers = spec.lower_dirs;
  if (lowers.empty()) {  // `scratch`: overlayfs needs some lower dir
    std::string empty = bundle->Path() + "/empty";
    if (::mkdir(empty.c_str(), 0755) != 0)
      return support::ErrnoError(errno, "cannot create", empty);
    lowers.push_back(empty);
  }
  auto overlay = MountOverlay(lowers, spec.upper_dir, spec.work_dir, rootfs);
  if (!overlay) return overlay.takeError();

  std::vector<MountPlaceholder> placeholders;
  auto result = RunMounted(spec, *runc, bundle->Path(), rootfs, &placeholders);
  if (!result) return result.takeError();  // RAII unmounts and removes the bundle
  if (auto err = overlay->Unmount()) return err;
  // In the upper dir itself, once the overlay is gone: no whiteouts, no copy-ups.
  RemovePlaceholders(placeholders, spec.upper_dir);
  if (auto err = bundle->Remove()) return err;
  // A step killed because the build is being cancelled did not fail by itself.
  if (Cancelled()) return CancelledError();
  result->seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

llvm::Expected<RunResult> RuncRunner::RunMounted(const RunSpec& spec, const std::string& runc,
                                                 const std::string& bundle,
                                                 const std::string& rootfs,
                                                 std::vector<MountPlaceholder>* placeholders) {
  auto user = ResolveUserInRootfs(spec.user, rootfs);
  if (!user) return user.takeError();
  std::vector<gid_t>& groups = user->additional_gids;
  if (spec.primary_group_in_groups &&
      std::find(groups.begin(), groups.end(), user->gid) == groups.end())
    groups.insert(groups.begin(), user->gid);
  auto mounts = PrepareStepMounts(spec, *user, bundle, rootfs);
  if (!mounts) return mounts.takeError();

  OciProcess process{spec.argv, spec.env, spec.cwd, *user, spec.hostname, spec.network};
  if (auto err =
          WriteFile(bundle + "/config.json", BuildOciConfig(process, mounts->mounts).dump(2)))
    return err;

  if (spec.inherit_stdio) {
    std::string id = "strata-run-" + std::to_string(::getpid()) + "-" + std::to_string(next_id_++);
    std::vector<std::string> words = {runc,   "--root", options_.state_root, "run", "--bundle",
                                      bundle, id};
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    if (!RegisterContainer(runc, options_.state_root, id)) return CancelledError();
    pid_t pid = ::fork();
    if (pid < 0) {
      UnregisterContainer(id);
      return support::ErrnoError(errno, "cannot fork", runc);
    }
    if (pid == 0) {
      ::execv(runc.c_str(), argv.data());
      ::_exit(127);
    }
    // SIGINT/SIGTERM go to the program until runc has exited; runc stays unreaped (WNOWAIT)
    // until then, so its pid cannot name another process while signals may be sent to it.
    SetForegroundRunc(pid);
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0 &&
           errno == EINTR) {
    }
    SetForegroundRunc(0);
    int status = 0;
    int wait_errno = 0;
    while (::waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) {
        wait_errno = errno;
        break;
      }
    UnregisterContainer(id);
    if (wait_errno != 0) return support::ErrnoError(wait_errno, "cannot wait for", runc);
    RunResult result;
    result.exit_code = ExitCodeOf(status);
    if (auto err = mounts->secrets.Unmount()) return err;
    *placeholders = std::move(mounts->placeholders);
    return result;
  }

  UniqueFd capture;
  if (!spec.output_path.empty()) {
    capture.Reset(::open(spec.output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!capture) return support::ErrnoError(errno, "cannot create output file", spec.output_path);
  }
  OutputCollector output(spec.on_line, capture.Get(), RunResult::kTailLines);

  std::string id = "strata-" + std::to_string(::getpid()) + "-" + std::to_string(next_id_++);
  const std::string& state = options_.state_root;
  auto kill = [&] {
    llvm::consumeError(RunChild({runc, "--root", state, "kill", id, "KILL"}, nullptr,
                                std::chrono::milliseconds(0), {})
                           .takeError());
  };
  if (!RegisterContainer(runc, state, id)) return CancelledError();
  auto exit =
      RunChild({runc, "--root", state, "run", "--bundle", bundle, id}, &output, spec.timeout, kill);
  if (!exit || exit->timed_out || WIFSIGNALED(exit->wait_status) || Cancelled()) {
    // runc may not have cleaned up after itself: make sure the container is gone.
    llvm::consumeError(RunChild({runc, "--root", state, "delete", "--force", id}, nullptr,
                                std::chrono::milliseconds(0), {})
                           .takeError());
  }
  UnregisterContainer(id);
  if (!exit) return exit.takeError();

  RunResult result;
  result.exit_code = ExitCodeOf(exit->wait_status);
  result.timed_out = exit->timed_out;
  result.last_lines = output.Tail();
  if (auto err = mounts->secrets.Unmount()) return err;
  *placeholders = std::move(mounts->placeholders);
  if (output.FileErrno() != 0)
    return support::ErrnoError(output.FileErrno(), "cannot write output file", spec.output_path);
  return result;
}

}  // namespace strata::exec
