// Undoing what a build killed with SIGKILL left running and mounted: its containers (under a
// runc state root of its own) and its mounts (bundle rootfs overlays, secret tmpfs).
#pragma once

#include <string>
#include <vector>

namespace strata::exec {

// Kills and deletes (`runc delete --force`) every container under `runc --root state_root`.
// Does nothing when the directory does not exist or runc is not installed.
void KillContainersUnder(const std::string& state_root);

// Detaches (MNT_DETACH) every mount at or below `dir`, deepest first, and every overlay whose
// upper dir lies below `dir` together with what is mounted below it. Returns the targets.
std::vector<std::string> DetachMountsUnder(const std::string& dir);

// The mount points listed in /proc/self/mountinfo, with their mount options (fields 4 and 10).
struct MountInfo {
  std::string target;
  std::string super_options;
};
std::vector<MountInfo> ReadMountInfo();

}  // namespace strata::exec
