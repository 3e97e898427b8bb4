// Killing a dead build's containers and detaching its mounts.
#include "runtime/exec/sandbox_reaper.h"

#include <dirent.h>
#include <sys/mount.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "runtime/exec/child_process.h"
#include "runtime/exec/runc_runner.h"

namespace strata::exec {
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

bool IsUnder(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         path[dir.size()] == '/');
}

}  // namespace

std::vector<MountInfo> ReadMountInfo() {
  std::vector<MountInfo> mounts;
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mountinfo, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, target, word;
    fields >> id >> parent >> device >> root >> target;
    // Optional fields end at "-"; then fstype, source, super options.
    while (fields >> word && word != "-") {
    }
    std::string fstype, source, options;
    fields >> fstype >> source >> options;
    mounts.push_back({Unescape(target), options});
  }
  return mounts;
}

void KillContainersUnder(const std::string& state_root) {
  DIR* dir = ::opendir(state_root.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> ids;
  while (struct dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.') ids.push_back(entry->d_name);
  ::closedir(dir);
  if (ids.empty()) return;
  llvm::Expected<std::string> runc = RuncRunner::FindRunc("");
  if (!runc) {
    llvm::consumeError(runc.takeError());
    return;
  }
  // delete --force sends SIGKILL to the container's processes and waits for them to go.
  for (const std::string& id : ids)
    llvm::consumeError(RunChild({*runc, "--root", state_root, "delete", "--force", id}, nullptr,
                                std::chrono::milliseconds(0), {})
                           .takeError());
}

std::vector<std::string> DetachMountsUnder(const std::string& dir) {
  std::vector<MountInfo> mounts = ReadMountInfo();
  std::vector<std::string> targets;
  std::vector<std::string> roots = {dir};
  // An overlay with its upper dir here but mounted elsewhere (a bundle outside the store):
  // what sits below that mount point goes too.
  for (const MountInfo& mount : mounts)
    if (mount.super_options.find("upperdir=" + dir + "/") != std::string::npos) {
      size_t slash = mount.target.find_last_of('/');
      roots.push_back(mount.target.substr(slash) == "/rootfs" ? mount.target.substr(0, slash)
                                                              : mount.target);
    }
  for (const MountInfo& mount : mounts)
    for (const std::string& root : roots)
      if (IsUnder(mount.target, root)) {
        targets.push_back(mount.target);
        break;
      }
  // Deepest first; a path under another sorts after it.
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  for (auto it = targets.rbegin(); it != targets.rend(); ++it)
    while (::umount2(it->c_str(), MNT_DETACH) == 0) {
    }  // stacked mounts on one target: all of them
  return targets;
}

}  // namespace strata::exec
