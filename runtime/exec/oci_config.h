// Builds the OCI runtime spec (config.json, runtime-spec 1.0.2) for one sandboxed step.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/exec/user_resolver.h"

namespace strata::exec {

// One entry of config.json's "mounts".
struct OciMount {
  std::string destination;
  std::string type;  // "bind", "tmpfs", ...
  std::string source;
  std::vector<std::string> options;
};

struct OciProcess {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // KEY=VALUE
  std::string cwd = "/";
  ResolvedUser user;
  std::string hostname = "strata";
  // true: no network namespace of its own, i.e. the host's network (a step with network
  // access; the executor only allows it with a declared output checksum).
  bool host_network = false;
};

// Docker's default capability set: all of it for uid 0; only the bounding set otherwise, so a
// non-root step holds no capabilities (as after a plain setuid).
std::vector<std::string> DefaultCapabilities();

// `env` plus Docker's defaults for whatever it lacks: PATH, HOME (from the resolved user).
std::vector<std::string> WithDefaultEnv(std::vector<std::string> env, const std::string& home);

// The whole config.json. The root is "rootfs" in the bundle, writable (it is the overlay);
// the standard /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue and read-only /sys come first,
// then `mounts` in order. Namespaces: mount, pid, ipc, uts, network (runc brings loopback
// up in a new network namespace; none with `host_network`). No user namespace, no rlimits (this
// process may not raise them), no seccomp profile; Docker's masked and read-only paths.
nlohmann::json BuildOciConfig(const OciProcess& process, const std::vector<OciMount>& mounts);

}  // namespace strata::exec
