// A minimal busybox root filesystem written file by file.
#include "runtime/exec/busybox_layer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/exec/scratch_dir.h"

namespace strata::exec {
namespace {

using support::UniqueFd;

constexpr const char* kApplets[] = {
    "sh",   "echo", "cat",   "ls",   "id",     "mkdir",    "rm",     "touch", "sleep",
    "test", "true", "false", "env",  "pwd",    "hostname", "printf", "wc",    "grep",
    "stat", "seq",  "ip",    "find", "mknod",  "chmod",    "head",   "tail",  "cp",
    "mv",   "ln",   "sed",   "date", "whoami", "nc",       "wget",   "ping",  "kill",
};

llvm::Error WriteText(const std::string& path, const std::string& text, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return support::ErrnoError(errno, "cannot create", path);
  if (::write(fd.Get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return support::ErrnoError(errno, "cannot write", path);
  return llvm::Error::success();
}

llvm::Error CopyFile(const std::string& from, const std::string& to, mode_t mode) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return support::ErrnoError(errno, "cannot open", from);
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!out) return support::ErrnoError(errno, "cannot create", to);
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(in.Get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return support::ErrnoError(errno, "cannot read", from);
    if (n == 0) break;
    if (::write(out.Get(), buf, static_cast<size_t>(n)) != n)
      return support::ErrnoError(errno, "cannot write", to);
  }
  return llvm::Error::success();
}

}  // namespace

llvm::Error WriteBusyboxLayer(const std::string& dir, const std::string& busybox_path) {
  for (const char* sub : {"", "/bin", "/dev", "/etc", "/proc", "/root", "/sys", "/tmp"})
    if (auto err = MakeDirs(dir + sub)) return err;
  if (::chmod((dir + "/tmp").c_str(), 01777) != 0)
    return support::ErrnoError(errno, "cannot chmod", dir + "/tmp");
  if (auto err = CopyFile(busybox_path, dir + "/bin/busybox", 0755)) return err;
  for (const char* applet : kApplets) {
    std::string link = dir + "/bin/" + applet;
    if (::symlink("busybox", link.c_str()) != 0 && errno != EEXIST)
      return support::ErrnoError(errno, "cannot create symlink", link);
  }
  if (auto err = WriteText(dir + "/etc/passwd",
                           "root:x:0:0:root:/root:/bin/sh\n"
                           "builder:x:1000:1000:builder:/home/builder:/bin/sh\n",
                           0644))
    return err;
  if (auto err =
          WriteText(dir + "/etc/group", "root:x:0:\nstaff:x:50:builder\nbuilder:x:1000:\n", 0644))
    return err;
  return WriteText(dir + "/etc/motd", "welcome\n", 0644);
}

}  // namespace strata::exec
