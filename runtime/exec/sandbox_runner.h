// The interface through which the runtime runs one build step in an isolated sandbox.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::exec {

// The version of how a step is run (its user and groups, environment, mounts, as the sandbox
// sets them up), part of the record key of every node a step's output reaches
// (schedule/record_key.h): a change that can change what a step writes bumps it, so that no
// store serves a step's output, or anything made from it, that was made the old way.
// 2: `USER name:group` runs without the user's supplementary groups, as BuildKit and runc do.
inline constexpr std::string_view kStepSemanticsKeyLine = "step-semantics=2\n";

// A host directory or file made visible read-only at `target` inside the sandbox.
struct BindMount {
  std::string source;     // host path (absolute)
  std::string target;     // absolute path inside the sandbox
  bool writable = false;  // read-write; else read-only
};

// A fresh, empty tmpfs at `target`; nothing written there reaches the upper dir.
struct TmpfsMount {
  std::string target;
  uint64_t size_bytes = 0;  // 0: the kernel's default (half of RAM)
};

// A host directory shared read-write between steps (package caches and the like). Its
// contents never reach the upper dir, so they are not part of the step's output.
struct CacheMount {
  std::string source;  // host directory, created if missing
  std::string target;
};

// A host file copied into a private tmpfs and bind-mounted read-only at `target`. The copy
// lives only in memory for the step's lifetime; neither the content nor an empty placeholder
// ever appears in the upper dir.
struct SecretMount {
  std::string source;        // host file
  std::string target;        // e.g. /run/secrets/token
  std::optional<uid_t> uid;  // owner; default: the step's uid
  std::optional<gid_t> gid;  // group; default: the step's gid
  mode_t mode = 0400;
};

// Everything one step needs. Paths on the host are absolute.
struct RunSpec {
  // Extracted layer trees, bottom to top, used read-only as overlayfs lower dirs. Deletions
  // inside them must be in overlayfs form (char device 0/0, trusted.overlay.opaque="y").
  // Empty means `scratch`.
  std::vector<std::string> lower_dirs;
  // Created if missing; after Run the upper dir holds the step's diff (see docs/sandbox.md).
  // The work dir is overlayfs scratch on the upper's filesystem: fresh for every Run (a used
  // one cannot be mounted again), left for the caller to delete with the upper dir.
  std::string upper_dir;
  std::string work_dir;

  std::vector<std::string> argv;  // argv[0] is looked up on the sandbox's PATH
  std::vector<std::string> env;   // KEY=VALUE; PATH and HOME get Docker's defaults if absent
  std::string cwd = "/";          // created if missing, as Docker does
  // "", "uid", "uid:gid", "name" or "name:group"; names resolve through the merged
  // rootfs's /etc/passwd and /etc/group. Empty means root.
  std::string user;
  std::string hostname = "strata";
  // false: a private network namespace with only loopback (up); no route out.
  // true: the host's network namespace, and the host's /etc/resolv.conf (read-only).
  bool network = false;

  std::vector<BindMount> bind_mounts;
  std::vector<TmpfsMount> tmpfs_mounts;
  std::vector<CacheMount> cache_mounts;
  std::vector<SecretMount> secret_mounts;

  // stdin is /dev/null. stdout and stderr are combined, then written raw to output_path
  // (when set) and passed line by line (without the '\n') to on_line (when set), which is
  // called on the thread that called Run.
  std::string output_path;
  std::function<void(llvm::StringRef line)> on_line;

  std::chrono::milliseconds timeout{0};  // 0: none

  // For `strata run`: the process gets this program's stdin, stdout and stderr as they are
  // (no output collection: output_path, on_line and last_lines are unused; no timeout).
  bool inherit_stdio = false;
  // For `strata run`: the primary group is among the supplementary groups too, as `docker run`
  // and `podman run` set them (a build step's groups are the /etc/group memberships alone).
  bool primary_group_in_groups = false;
};

struct RunResult {
  // The step's exit status. A step killed by signal N reports 128+N, as a shell does (runc
  // hides the difference).
  int exit_code = -1;
  bool timed_out = false;               // killed because RunSpec::timeout passed
  std::vector<std::string> last_lines;  // the last kTailLines lines of combined output
  double seconds = 0;                   // wall time of the whole Run, mounts included

  static constexpr size_t kTailLines = 20;
  bool Succeeded() const { return exit_code == 0 && !timed_out; }
};

// Runs build steps. A step that runs and fails is a RunResult with a non-zero exit code; an
// llvm::Error means the sandbox could not be set up (no runc, not root, unknown user, a
// mount failed, ...). Implementations must be safe to call from several threads at once.
class SandboxRunner {
 public:
  virtual ~SandboxRunner() = default;
  virtual llvm::Expected<RunResult> Run(const RunSpec& spec) = 0;
};

}  // namespace strata::exec
