// Private, locked scratch directories under <store>/work/.
#include "runtime/schedule/work_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "compiler/support/atomic_file.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/exec/sandbox_reaper.h"
#include "runtime/exec/scratch_dir.h"

namespace strata::schedule {

namespace {

// `work/` itself, flocked: shared by a WorkDir being made (from its mkdtemp until its own lock
// is held), exclusive for a cleaner while it picks the unlocked dirs. Without it a cleaner could
// take a dir just made and not yet locked for a dead build's and remove it under its maker
// ("cannot lock ...: No such file or directory", two builds started at once on one store).
llvm::Error LockWorkParent(const support::UniqueFd& fd, int operation, const std::string& parent) {
  while (::flock(fd.Get(), operation) != 0)
    if (errno != EINTR) return support::ErrnoError(errno, "cannot lock", parent);
  return llvm::Error::success();
}

}  // namespace

llvm::Expected<WorkDir> WorkDir::Create(const store::Store& store, const std::string& prefix) {
  std::string parent = store.Root() + "/work";
  if (llvm::Error err = exec::MakeDirs(parent, 0700)) return err;
  support::UniqueFd shared(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!shared) return support::ErrnoError(errno, "cannot open", parent);
  if (llvm::Error err = LockWorkParent(shared, LOCK_SH, parent)) return std::move(err);
  std::string templ = parent + "/" + prefix + "XXXXXX";
  std::vector<char> buffer(templ.begin(), templ.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr)
    return support::ErrnoError(errno, "cannot create", templ);
  std::string path(buffer.data());
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd || ::flock(fd.Get(), LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::rmdir(path.c_str());
    return support::ErrnoError(err, "cannot lock", path);
  }
  return WorkDir(std::move(path), std::move(fd));
}

WorkDir::~WorkDir() {
  if (path_.empty()) return;
  llvm::consumeError(exec::RemoveTree(path_));
}

namespace {

// A build killed during a RUN leaves the step's mounts in place (its runner is gone): once
// its containers are dead, detach every mount in the dir or over an upper dir in it, and
// remove a bundle outside the store around such an overlay.
void DetachMountsOf(const std::string& dir) {
  for (const std::string& target : exec::DetachMountsUnder(dir)) {
    size_t slash = target.find_last_of('/');
    std::string bundle = target.substr(0, slash);
    if (target.substr(slash) == "/rootfs" && bundle.find("/strata-bundle-") != std::string::npos &&
        bundle.compare(0, dir.size() + 1, dir + "/") != 0)
      llvm::consumeError(exec::RemoveTree(bundle));
  }
}

}  // namespace

llvm::Expected<size_t> CleanStaleWorkDirs(const store::Store& store) {
  return CleanStaleWorkDirs(store.Root());
}

llvm::Expected<size_t> CleanStaleWorkDirs(const std::string& store_root) {
  std::string parent = store_root + "/work";
  support::UniqueFd exclusive(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!exclusive) {
    if (errno == ENOENT) return 0;
    return support::ErrnoError(errno, "cannot open", parent);
  }
  if (llvm::Error err = LockWorkParent(exclusive, LOCK_EX, parent)) return std::move(err);
  DIR* dir = ::opendir(parent.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) return 0;
    return support::ErrnoError(errno, "cannot read", parent);
  }
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(dir))
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
      names.push_back(entry->d_name);
  ::closedir(dir);
  // Locked while they are reaped, so that two cleaners never work on one dir.
  std::vector<std::pair<std::string, support::UniqueFd>> stale;
  for (const std::string& name : names) {
    std::string path = parent + "/" + name;
    support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) continue;
    if (::flock(fd.Get(), LOCK_EX | LOCK_NB) != 0) continue;  // a live build's
    stale.emplace_back(path, std::move(fd));
  }
  // The picked dirs stay locked; makers of new ones need not wait for the removals.
  exclusive.Reset();
  // Every dead build's containers die before any mount goes: a container's rootfs stays
  // in use (and its secrets readable) until then, detached or not.
  for (const auto& [path, fd] : stale) exec::KillContainersUnder(path + "/runc");
  size_t removed = 0;
  for (const auto& [path, fd] : stale) {
    DetachMountsOf(path);
    if (llvm::Error err = exec::RemoveTree(path)) {
      llvm::consumeError(std::move(err));  // e.g. a mount that would not go: try next time
      continue;
    }
    ++removed;
  }
  return removed;
}

llvm::Error SyncFilesystem(const std::string& path) {
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return support::ErrnoError(errno, "cannot open", path);
  if (::syncfs(fd.Get()) != 0) return support::ErrnoError(errno, "cannot sync", path);
  return llvm::Error::success();
}

llvm::Error PublishDir(const std::string& from, const std::string& to) {
  llvm::Expected<bool> old_left = support::PublishDir(from, to, support::ExistingDir::kReplace);
  if (!old_left) return old_left.takeError();
  return *old_left ? exec::RemoveTree(from)
                   : llvm::Error::success();  // `from` holds the old contents
}

llvm::Expected<std::string> PublishArtifactDir(const store::Store& store, const std::string& key,
                                               const std::string& out_dir) {
  std::string artifacts = store.Root() + "/artifacts";
  ::mkdir(artifacts.c_str(), 0755);
  std::string published = artifacts + "/" + key;
  if (llvm::Error err = PublishDir(out_dir, published)) return err;
  return published;
}

}  // namespace strata::schedule
