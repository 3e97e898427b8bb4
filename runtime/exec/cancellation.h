// Process-wide cancellation of sandboxed work: the containers and mounts this process holds,
// so that SIGINT/SIGTERM can end a build without leaving a container or a mount behind.
#pragma once

#include <sys/types.h>

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

// While `strata run`'s program runs in the foreground (`runc run` with this terminal's stdio),
// SIGINT and SIGTERM are the program's, as `podman run` passes them on (its sig-proxy): the
// program may trap them and shut down its own way, and its exit status is strata's.
// SetForegroundRunc names the runc process (0: none); ForwardSignal then sends it the signal,
// which runc passes to the container's process, and returns true; false when no program runs
// (cancel as usual). A signal from the terminal (Ctrl-C) went to runc's process group too, so
// it is not sent again.
void SetForegroundRunc(pid_t pid);
bool ForwardSignal(int signal, bool from_terminal);

// `runc kill ID KILL` for every registered container (those still being created as well, on a
// later call); returns how many are registered.
size_t KillContainers();
// Detaches (MNT_DETACH) every registered mount: the last resort before a forced exit.
void DetachAllMounts();

}  // namespace strata::exec
