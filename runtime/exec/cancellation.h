// Process-wide cancellation of sandboxed work: the containers and mounts this process holds,
// so that SIGINT/SIGTERM can end a build without leaving a container or a mount behind.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace strata::exec {

// Called before `runc run` of container `id` under `runc --root state_root`: false when the
// process is being cancelled (start nothing then). Unregister once runc has exited.
bool RegisterContainer(const std::string& runc, const std::string& state_root,
                       const std::string& id);
void UnregisterContainer(const std::string& id);

// Calls `mount` (which mounts at `target` and returns 0 or an errno) with the registry locked
// and records the target, so that a forced exit can detach it. Returns ECANCELED, without
// calling `mount`, once the process is being cancelled.
int RegisterMount(const std::string& target, const std::function<int()>& mount);
void UnregisterMount(const std::string& target);

// Starts cancelling (idempotent): from now on no container starts and nothing is mounted.
// `signal` is remembered for CancelSignal (0: cancelled for another reason).
void BeginCancel(int signal);
bool Cancelled();
int CancelSignal();  // the first BeginCancel's signal; 0 when not cancelled

// `runc kill ID KILL` for every registered container (those still being created as well, on a
// later call); returns how many are registered.
size_t KillContainers();
// Detaches (MNT_DETACH) every registered mount: the last resort before a forced exit.
void DetachAllMounts();

}  // namespace strata::exec
