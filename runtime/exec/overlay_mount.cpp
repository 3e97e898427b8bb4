// Mounting the overlayfs rootfs, including lower lists longer than a page.
#include "runtime/exec/overlay_mount.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/exec/exec_error.h"
#include "runtime/store/unique_fd.h"

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
  store::UniqueFd fs(::fsopen("overlay", FSOPEN_CLOEXEC));
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
  store::UniqueFd mnt(::fsmount(fs.Get(), FSMOUNT_CLOEXEC, 0));
  if (!mnt) return errno;
  if (::move_mount(mnt.Get(), "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0)
    return errno;
  return 0;
}

// The longest common directory prefix of all lowers, ending in '/'.
size_t CommonDirPrefix(const std::vector<std::string>& lowers) {
  std::string prefix = lowers.front();
  for (const auto& l : lowers) {
    size_t n = 0;
    while (n < prefix.size() && n < l.size() && prefix[n] == l[n]) ++n;
    prefix.resize(n);
  }
  size_t slash = prefix.rfind('/');
  return slash == std::string::npos ? 0 : slash + 1;
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

llvm::Expected<ScopedMount> MountOverlay(const std::vector<std::string>& lowers,
                                         const std::string& upper, const std::string& work,
                                         const std::string& target) {
  if (lowers.empty()) return SandboxError("overlay mount needs at least one lower dir");
  if (lowers.size() > kMaxLowerLayers)
    return SandboxError("too many layers for overlayfs: " + llvm::Twine(lowers.size()) +
                        " (the kernel allows " + llvm::Twine(kMaxLowerLayers) + ")");
  std::string options = OverlayOptions(lowers, upper, work);
  if (options.size() <= kMountDataMax) {
    if (::mount("overlay", target.c_str(), "overlay", 0, options.c_str()) != 0)
      return ErrnoError(errno, "cannot mount overlayfs (" + options + ")", target);
    return ScopedMount(target);
  }
  int err = MountWithFsConfig(lowers, upper, work, target);
  if (err == 0) return ScopedMount(target);
  size_t prefix = CommonDirPrefix(lowers);
  std::string relative = Options(JoinLowers(lowers, prefix), upper, work);
  if (relative.size() > kMountDataMax)
    return SandboxError("cannot mount overlayfs at " + target + ": " + llvm::Twine(lowers.size()) +
                        " lower dirs do not fit in one page of mount options, and this "
                        "kernel lacks \"lowerdir+\" (Linux 6.8+); keep layers under one short "
                        "parent directory");
  err = MountFromDir(lowers.front().substr(0, prefix), relative, target);
  if (err != 0) return ErrnoError(err, "cannot mount overlayfs", target);
  return ScopedMount(target);
}

}  // namespace strata::exec
