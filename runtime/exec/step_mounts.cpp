// Mount entries for a step: binds, tmpfs, caches, secrets (copied to memory) and /etc/hosts.
#include "runtime/exec/step_mounts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/exec/exec_error.h"
#include "runtime/exec/rootfs_path.h"
#include "runtime/exec/scratch_dir.h"

namespace strata::exec {
namespace {

using support::UniqueFd;

llvm::Error WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return support::ErrnoError(errno, "cannot write", path);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return llvm::Error::success();
}

llvm::Error CopySecret(const SecretMount& secret, const std::string& dest,
                       const ResolvedUser& user) {
  UniqueFd in(::open(secret.source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return support::ErrnoError(errno, "cannot read secret", secret.source);
  struct stat st;
  if (::fstat(in.Get(), &st) != 0)
    return support::ErrnoError(errno, "cannot stat secret", secret.source);
  if (!S_ISREG(st.st_mode)) return SandboxError("secret is not a regular file: " + secret.source);
  UniqueFd out(::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!out) return support::ErrnoError(errno, "cannot create", dest);
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(in.Get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return support::ErrnoError(errno, "cannot read secret", secret.source);
    if (n == 0) break;
    if (auto err = WriteAll(out.Get(), buf, static_cast<size_t>(n), dest)) return err;
  }
  uid_t uid = secret.uid.value_or(user.uid);
  gid_t gid = secret.gid.value_or(user.gid);
  if (::fchown(out.Get(), uid, gid) != 0) return support::ErrnoError(errno, "cannot chown", dest);
  if (::fchmod(out.Get(), secret.mode & 07777) != 0)
    return support::ErrnoError(errno, "cannot chmod", dest);
  return llvm::Error::success();
}

llvm::Error AddTarget(StepMounts& out, const std::string& target, const std::string& rootfs) {
  auto parts = SplitSandboxPath(target);
  if (!parts) return parts.takeError();
  if (parts->empty()) return SandboxError("cannot mount over the sandbox root '/'");
  auto probe = ProbePath(rootfs, *parts);
  if (probe.first_missing) out.placeholders.push_back({std::move(*parts), std::move(probe)});
  return llvm::Error::success();
}

}  // namespace

llvm::Expected<StepMounts> PrepareStepMounts(const RunSpec& spec, const ResolvedUser& user,
                                             const std::string& bundle, const std::string& rootfs) {
  StepMounts out;
  for (const char* standard : {"/proc", "/dev", "/sys"})
    if (auto err = AddTarget(out, standard, rootfs)) return err;

  // /etc/hosts so that `localhost` and the hostname resolve without a network.
  std::string hosts = bundle + "/hosts";
  {
    UniqueFd fd(::open(hosts.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) return support::ErrnoError(errno, "cannot create", hosts);
    std::string text =
        "127.0.0.1\tlocalhost " + spec.hostname + "\n::1\tlocalhost ip6-localhost ip6-loopback\n";
    if (auto err = WriteAll(fd.Get(), text.data(), text.size(), hosts)) return err;
  }
  out.mounts.push_back({"/etc/hosts", "bind", hosts, {"rbind", "ro", "nosuid", "nodev"}});
  if (auto err = AddTarget(out, "/etc/hosts", rootfs)) return err;
  // With the host's network, name resolution needs the host's resolver config too.
  struct stat resolv;
  if (spec.network && ::stat("/etc/resolv.conf", &resolv) == 0 && S_ISREG(resolv.st_mode)) {
    out.mounts.push_back(
        {"/etc/resolv.conf", "bind", "/etc/resolv.conf", {"rbind", "ro", "nosuid", "nodev"}});
    if (auto err = AddTarget(out, "/etc/resolv.conf", rootfs)) return err;
  }

  for (const auto& b : spec.bind_mounts) {
    if (b.source.empty() || b.source[0] != '/')
      return SandboxError("bind mount source must be an absolute host path: '" + b.source + "'");
    struct stat st;
    if (::stat(b.source.c_str(), &st) != 0)
      return support::ErrnoError(errno, "bind mount source", b.source);
    if (auto err = AddTarget(out, b.target, rootfs)) return err;
    out.mounts.push_back(
        {b.target, "bind", b.source, {"rbind", b.writable ? "rw" : "ro", "nosuid", "nodev"}});
  }
  for (const auto& t : spec.tmpfs_mounts) {
    if (auto err = AddTarget(out, t.target, rootfs)) return err;
    std::vector<std::string> options = {"nosuid", "nodev", "mode=1777"};
    if (t.size_bytes) options.push_back("size=" + std::to_string(t.size_bytes));
    out.mounts.push_back({t.target, "tmpfs", "tmpfs", options});
  }
  for (const auto& c : spec.cache_mounts) {
    if (c.source.empty() || c.source[0] != '/')
      return SandboxError("cache mount source must be an absolute host path: '" + c.source + "'");
    if (auto err = MakeDirs(c.source)) return err;
    if (auto err = AddTarget(out, c.target, rootfs)) return err;
    out.mounts.push_back({c.target, "bind", c.source, {"rbind", "rw", "nosuid", "nodev"}});
  }
  if (!spec.secret_mounts.empty()) {
    std::string dir = bundle + "/secrets";
    if (::mkdir(dir.c_str(), 0700) != 0) return support::ErrnoError(errno, "cannot create", dir);
    auto tmpfs = MountPrivateTmpfs(dir, 0);
    if (!tmpfs) return tmpfs.takeError();
    out.secrets = std::move(*tmpfs);
    for (size_t i = 0; i < spec.secret_mounts.size(); ++i) {
      const auto& s = spec.secret_mounts[i];
      std::string copy = dir + "/" + std::to_string(i);
      if (auto err = CopySecret(s, copy, user)) return err;
      if (auto err = AddTarget(out, s.target, rootfs)) return err;
      out.mounts.push_back({s.target, "bind", copy, {"rbind", "ro", "nosuid", "nodev", "noexec"}});
    }
  }
  return out;
}

void RemovePlaceholders(const std::vector<MountPlaceholder>& placeholders,
                        const std::string& upper) {
  // Later mounts may sit inside earlier ones' placeholders: undo them first.
  for (size_t i = placeholders.size(); i-- > 0;)
    RemovePlaceholderPath(upper, placeholders[i].components, placeholders[i].probe);
}

}  // namespace strata::exec
