// Mounting the overlayfs rootfs, including lower lists longer than a page.
#include "runtime/exec/overlay_mount.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/exec/cancellation.h"
#include "runtime/exec/exec_error.h"

namespace strata::exec {
namespace {

constexpr size_t kMountDataMax = 4095;   // one page minus the terminating NUL
constexpr size_t kMaxLowerLayers = 500;  // OVL_MAX_STACK
constexpr const char* kFixedOptions = "redirect_dir=off,metacopy=off,index=off,volatile";

std::string Escape(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ':' || c == ',' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string JoinLowers(const std::vector<std::string>& lowers, size_t strip_prefix) {
  std::string out;
  for (size_t i = lowers.size(); i-- > 0;) {  // overlayfs wants the top layer first
    if (!out.empty()) out.push_back(':');
    out += Escape(lowers[i].substr(strip_prefix));
  }
  return out;
}

std::string Options(const std::string& lowerdir, const std::string& upper,
                    const std::string& work) {
  return "lowerdir=" + lowerdir + ",upperdir=" + Escape(upper) + ",workdir=" + Escape(work) + "," +
         kFixedOptions;
}

// Linux 6.8+: add the layers one at a time, so the list has no length limit but the
// kernel's layer count. Returns EINVAL/ENOSYS-style errno on older kernels.
int MountWithFsConfig(const std::vector<std::string>& lowers, const std::string& upper,
                      const std::string& work, const std::string& target) {
  support::UniqueFd fs(::fsopen("overlay", FSOPEN_CLOEXEC));
  if (!fs) return errno;
  for (size_t i = lowers.size(); i-- > 0;)
    if (::fsconfig(fs.Get(), FSCONFIG_SET_STRING, "lowerdir+", lowers[i].c_str(), 0) != 0)
      return errno;
  if (::fsconfig(fs.Get(), FSCONFIG_SET_STRING, "upperdir", upper.c_str(), 0) != 0 ||
      ::fsconfig(fs.Get(), FSCONFIG_SET_STRING, "workdir", work.c_str(), 0) != 0 ||
      ::fsconfig(fs.Get(), FSCONFIG_SET_STRING, "redirect_dir", "off", 0) != 0 ||
      ::fsconfig(fs.Get(), FSCONFIG_SET_STRING, "metacopy", "off", 0) != 0 ||
      ::fsconfig(fs.Get(), FSCONFIG_SET_STRING, "index", "off", 0) != 0 ||
      ::fsconfig(fs.Get(), FSCONFIG_SET_FLAG, "volatile", nullptr, 0) != 0 ||
      ::fsconfig(fs.Get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
    return errno;
  support::UniqueFd mnt(::fsmount(fs.Get(), FSMOUNT_CLOEXEC, 0));
  if (!mnt) return errno;
  if (::move_mount(mnt.Get(), "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0)
    return errno;
  return 0;
}

// mount(2) from a child that chdirs to `dir` first, so relative lower paths resolve there
// without changing this (multi-threaded) process's cwd. Returns an errno value.
int MountFromDir(const std::string& dir, const std::string& options, const std::string& target) {
  pid_t pid = ::fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    // Only async-signal-safe calls here.
    if (::chdir(dir.c_str()) != 0) ::_exit(errno);
    if (::mount("overlay", target.c_str(), "overlay", 0, options.c_str()) != 0) ::_exit(errno);
    ::_exit(0);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return errno;
  return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

}  // namespace

std::string OverlayOptions(const std::vector<std::string>& lowers, const std::string& upper,
                           const std::string& work) {
  return Options(JoinLowers(lowers, 0), upper, work);
}

std::vector<std::string> TopmostOccurrences(const std::vector<std::string>& lowers) {
  std::vector<std::string> kept;
  std::set<std::string> seen;
  for (size_t i = lowers.size(); i-- > 0;)
    if (seen.insert(lowers[i]).second) kept.push_back(lowers[i]);
  return {kept.rbegin(), kept.rend()};
}

int MountThroughLinks(const std::vector<std::string>& lowers, const std::string& upper,
                      const std::string& work, const std::string& target,
                      const std::string& link_dir) {
  if (::mkdir(link_dir.c_str(), 0700) != 0) return errno;
  std::vector<std::string> names;
  int err = 0;
  for (size_t i = 0; i < lowers.size() && err == 0; ++i) {
    names.push_back(std::to_string(i));
    if (::symlink(lowers[i].c_str(), (link_dir + "/" + names.back()).c_str()) != 0) err = errno;
  }
  if (err == 0) {
    std::string options = Options(JoinLowers(names, 0), upper, work);
    err = options.size() <= kMountDataMax ? MountFromDir(link_dir, options, target) : E2BIG;
  }
  // The mounted overlay holds its layers by reference, not by these names.
  for (const std::string& name : names) ::unlink((link_dir + "/" + name).c_str());
  ::rmdir(link_dir.c_str());
  return err;
}

llvm::Expected<ScopedMount> MountOverlay(const std::vector<std::string>& all_lowers,
                                         const std::string& upper, const std::string& work,
                                         const std::string& target) {
  if (all_lowers.empty()) return SandboxError("overlay mount needs at least one lower dir");
  // overlayfs refuses a lower dir given twice (ELOOP). The topmost copy alone gives the same
  // view: everything the lower copy holds, the upper one holds too, above all in between.
  std::vector<std::string> lowers = TopmostOccurrences(all_lowers);
  if (lowers.size() > kMaxLowerLayers)
    return SandboxError("too many layers for overlayfs: " + llvm::Twine(lowers.size()) +
                        " (the kernel allows " + llvm::Twine(kMaxLowerLayers) + ")");
  std::string options = OverlayOptions(lowers, upper, work);
  if (options.size() <= kMountDataMax) {
    int err = RegisterMount(target, [&] {
      return ::mount("overlay", target.c_str(), "overlay", 0, options.c_str()) == 0 ? 0 : errno;
    });
    if (err != 0)
      return support::ErrnoError(err, "cannot mount overlayfs (" + options + ")", target);
    return ScopedMount(target);
  }
  int err = RegisterMount(target, [&] { return MountWithFsConfig(lowers, upper, work, target); });
  if (err == 0) return ScopedMount(target);
  if (err == ECANCELED) return support::ErrnoError(err, "cannot mount overlayfs", target);
  // Older kernels: short names ("0", "1", ...) for the layers in a directory next to the work
  // dir, resolved from there (overlayfs follows the symlinks once, at mount time).
  err = RegisterMount(
      target, [&] { return MountThroughLinks(lowers, upper, work, target, work + ".lowers"); });
  if (err != 0)
    return support::ErrnoError(
        err, "cannot mount overlayfs with " + llvm::Twine(lowers.size()) + " layers", target);
  return ScopedMount(target);
}

}  // namespace strata::exec
