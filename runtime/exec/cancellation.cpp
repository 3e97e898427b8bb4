// The process-wide registry of running containers and held mounts, and the cancel flag.
#include "runtime/exec/cancellation.h"

#include <signal.h>
#include <sys/mount.h>

#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "runtime/exec/child_process.h"

namespace strata::exec {
namespace {

struct Container {
  std::string runc;
  std::string state_root;
};

struct Registry {
  std::mutex mu;
  std::map<std::string, Container> containers;  // by id
  std::multiset<std::string> mounts;
  std::atomic<bool> cancelled{false};
  std::atomic<int> signal{0};
  pid_t foreground_runc = 0;  // guarded by mu
};

Registry& TheRegistry() {
  static Registry* registry = new Registry;  // never destroyed: a signal may come at exit
  return *registry;
}

}  // namespace

bool RegisterContainer(const std::string& runc, const std::string& state_root,
                       const std::string& id) {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.cancelled) return false;
  r.containers[id] = {runc, state_root};
  return true;
}

void UnregisterContainer(const std::string& id) {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.containers.erase(id);
}

int RegisterMount(const std::string& target, const std::function<int()>& mount) {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.cancelled) return ECANCELED;
  int err = mount();
  if (err == 0) r.mounts.insert(target);
  return err;
}

void UnregisterMount(const std::string& target) {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (auto it = r.mounts.find(target); it != r.mounts.end()) r.mounts.erase(it);
}

void BeginCancel(int signal) {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.cancelled) return;
  r.signal = signal;
  r.cancelled = true;
}

bool Cancelled() { return TheRegistry().cancelled; }

int CancelSignal() {
  Registry& r = TheRegistry();
  return r.cancelled ? r.signal.load() : 0;
}

void SetForegroundRunc(pid_t pid) {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.foreground_runc = pid;
}

bool ForwardSignal(int signal, bool from_terminal) {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.foreground_runc == 0) return false;
  if (!from_terminal) ::kill(r.foreground_runc, signal);
  return true;
}

size_t KillContainers() {
  Registry& r = TheRegistry();
  std::vector<std::pair<std::string, Container>> containers;
  {
    std::lock_guard<std::mutex> lock(r.mu);
    containers.assign(r.containers.begin(), r.containers.end());
  }
  for (const auto& [id, c] : containers)
    llvm::consumeError(RunChild({c.runc, "--root", c.state_root, "kill", id, "KILL"}, nullptr,
                                std::chrono::milliseconds(0), {})
                           .takeError());
  return containers.size();
}

void DetachAllMounts() {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  // Deepest first: a secret tmpfs may sit inside a bundle whose rootfs is also registered.
  for (auto it = r.mounts.rbegin(); it != r.mounts.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
  r.mounts.clear();
}

}  // namespace strata::exec
