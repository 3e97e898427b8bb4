// Symlink-safe lookups inside a rootfs, for /etc/passwd reads and mount placeholder cleanup.
#include "runtime/exec/rootfs_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/exec/exec_error.h"

namespace strata::exec {

using support::UniqueFd;

llvm::Expected<std::vector<std::string>> SplitSandboxPath(llvm::StringRef path) {
  if (!path.startswith("/")) return SandboxError("sandbox path must be absolute: " + path);
  std::vector<std::string> parts;
  llvm::StringRef rest = path;
  while (!rest.empty()) {
    auto [head, tail] = rest.split('/');
    rest = tail;
    if (head.empty()) continue;
    if (head == "." || head == "..")
      return SandboxError("sandbox path must not contain '.' or '..': " + path);
    parts.push_back(head.str());
  }
  return parts;
}

namespace {

// Fallback for kernels without openat2 (before 5.6): refuse any symlink on the way.
int OpenNoFollow(int root_fd, const std::vector<std::string>& parts, int flags) {
  UniqueFd dir(::dup(root_fd));
  if (!dir) return -1;
  for (size_t i = 0; i < parts.size(); ++i) {
    bool last = i + 1 == parts.size();
    int f = last ? (flags | O_NOFOLLOW) : (O_PATH | O_DIRECTORY | O_NOFOLLOW);
    int fd = ::openat(dir.Get(), parts[i].c_str(), f | O_CLOEXEC);
    if (fd < 0) return -1;
    if (last) return fd;
    dir.Reset(fd);
  }
  return dir.Release();
}

}  // namespace

llvm::Expected<UniqueFd> OpenInRoot(const std::string& root, llvm::StringRef path, int flags) {
  auto parts = SplitSandboxPath(path);
  if (!parts) return parts.takeError();
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return support::ErrnoError(errno, "cannot open rootfs", root);
  std::string rel = path.ltrim('/').str();
  if (rel.empty()) rel = ".";
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  long fd = ::syscall(SYS_openat2, root_fd.Get(), rel.c_str(), &how, sizeof(how));
  if (fd < 0 && errno == ENOSYS) fd = OpenNoFollow(root_fd.Get(), *parts, flags);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == EXDEV) return UniqueFd();
    return support::ErrnoError(errno, "cannot open in rootfs", root + path);
  }
  return UniqueFd(static_cast<int>(fd));
}

llvm::Expected<std::optional<std::string>> ReadFileInRoot(const std::string& root,
                                                          llvm::StringRef path) {
  auto fd = OpenInRoot(root, path, O_RDONLY);
  if (!fd) return fd.takeError();
  if (!fd->Valid()) return std::nullopt;
  std::string content;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd->Get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return support::ErrnoError(errno, "cannot read", root + path);
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
  }
  return content;
}

PathProbe ProbePath(const std::string& root, const std::vector<std::string>& components) {
  PathProbe probe;
  UniqueFd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return probe;
  for (size_t i = 0; i < components.size(); ++i) {
    struct stat st;
    if (::fstatat(dir.Get(), components[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      probe.first_missing = i;
      return probe;
    }
    if (!S_ISDIR(st.st_mode)) return probe;  // a file or symlink: leave it to runc
    int fd =
        ::openat(dir.Get(), components[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return probe;
    dir.Reset(fd);
    probe.existing.push_back(st);
  }
  return probe;
}

namespace {

// Whether upper's `name` is only a copy-up of the lower directory described by `lower`:
// same owner and mode, and not opaque (an opaque dir records a real replacement).
bool IsPlainCopyUp(int parent, const char* name, const struct stat& st, const struct stat& lower) {
  if (!S_ISDIR(st.st_mode) || st.st_mode != lower.st_mode || st.st_uid != lower.st_uid ||
      st.st_gid != lower.st_gid)
    return false;
  UniqueFd fd(::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return false;
  char value[4];
  return ::fgetxattr(fd.Get(), "trusted.overlay.opaque", value, sizeof(value)) < 0;
}

}  // namespace

void RemovePlaceholderPath(const std::string& upper, const std::vector<std::string>& components,
                           const PathProbe& probe) {
  if (!probe.first_missing) return;
  // Open every parent directory up front, so removal never re-resolves a path.
  std::vector<UniqueFd> parents;
  parents.emplace_back(::open(upper.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!parents.back()) return;
  for (size_t i = 0; i + 1 < components.size(); ++i) {
    int fd = ::openat(parents.back().Get(), components[i].c_str(),
                      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) break;
    parents.emplace_back(fd);
  }
  for (size_t i = components.size(); i-- > 0;) {
    if (i >= parents.size()) continue;  // a parent is absent; nothing below it to remove
    int parent = parents[i].Get();
    const char* name = components[i].c_str();
    struct stat st;
    if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (i < *probe.first_missing) return;  // an existing dir that was never copied up
      continue;
    }
    int rc = -1;
    if (i < *probe.first_missing) {
      if (IsPlainCopyUp(parent, name, st, probe.existing[i]))
        rc = ::unlinkat(parent, name, AT_REMOVEDIR);  // fails unless empty
    } else if (S_ISDIR(st.st_mode)) {
      rc = ::unlinkat(parent, name, AT_REMOVEDIR);
    } else if (S_ISREG(st.st_mode) && st.st_size == 0) {
      rc = ::unlinkat(parent, name, 0);
    }
    if (rc != 0) return;
  }
}

}  // namespace strata::exec
