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
#include <fstream>
#include <sstream>
#include <vector>

#include "runtime/exec/exec_error.h"
#include "runtime/exec/scratch_dir.h"

namespace strata::schedule {

llvm::Expected<WorkDir> WorkDir::Create(const store::Store& store, const std::string& prefix) {
  std::string parent = store.Root() + "/work";
  if (llvm::Error err = exec::MakeDirs(parent, 0700)) return err;
  std::string templ = parent + "/" + prefix + "XXXXXX";
  std::vector<char> buffer(templ.begin(), templ.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) return exec::ErrnoError(errno, "cannot create", templ);
  std::string path(buffer.data());
  store::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd || ::flock(fd.Get(), LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::rmdir(path.c_str());
    return exec::ErrnoError(err, "cannot lock", path);
  }
  return WorkDir(std::move(path), std::move(fd));
}

WorkDir::~WorkDir() {
  if (path_.empty()) return;
  llvm::consumeError(exec::RemoveTree(path_));
}

namespace {

// Undoes "\040"-style escapes of /proc/self/mountinfo.
std::string Unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

// A build killed during a RUN leaves the step's overlay mounted (its runner is gone): detach
// every overlay whose upper dir lies in `dir`, and remove the runner's bundle around it.
void DetachOverlaysOf(const std::string& dir) {
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string line;
  std::vector<std::string> targets;
  while (std::getline(mountinfo, line)) {
    if (line.find("upperdir=" + dir + "/") == std::string::npos) continue;
    std::istringstream fields(line);
    std::string id, parent, device, root, target;
    fields >> id >> parent >> device >> root >> target;
    targets.push_back(Unescape(target));
  }
  for (const std::string& target : targets) {
    if (::umount2(target.c_str(), MNT_DETACH) != 0) continue;
    size_t slash = target.find_last_of('/');
    std::string bundle = target.substr(0, slash);
    if (target.substr(slash) == "/rootfs" && bundle.find("/strata-bundle-") != std::string::npos)
      llvm::consumeError(exec::RemoveTree(bundle));
  }
}

}  // namespace

llvm::Expected<size_t> CleanStaleWorkDirs(const store::Store& store) {
  std::string parent = store.Root() + "/work";
  DIR* dir = ::opendir(parent.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) return 0;
    return exec::ErrnoError(errno, "cannot read", parent);
  }
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(dir))
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) names.push_back(entry->d_name);
  ::closedir(dir);
  size_t removed = 0;
  for (const std::string& name : names) {
    std::string path = parent + "/" + name;
    store::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) continue;
    if (::flock(fd.Get(), LOCK_EX | LOCK_NB) != 0) continue;  // a live build's
    DetachOverlaysOf(path);
    if (llvm::Error err = exec::RemoveTree(path)) {
      llvm::consumeError(std::move(err));  // e.g. a mount left by a killed step: try next time
      continue;
    }
    ++removed;
  }
  return removed;
}

llvm::Error SyncFilesystem(const std::string& path) {
  store::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return exec::ErrnoError(errno, "cannot open", path);
  if (::syncfs(fd.Get()) != 0) return exec::ErrnoError(errno, "cannot sync", path);
  return llvm::Error::success();
}

llvm::Error PublishDir(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) == 0) return llvm::Error::success();
  if (errno != EEXIST && errno != ENOTEMPTY) return exec::ErrnoError(errno, "cannot rename to", to);
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) != 0)
    return exec::ErrnoError(errno, "cannot exchange", to);
  return exec::RemoveTree(from);  // now the old contents
}

}  // namespace strata::schedule
