// Turns a RunSpec's mounts into config.json entries, and undoes their traces afterwards.
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

#include "runtime/exec/oci_config.h"
#include "runtime/exec/rootfs_path.h"
#include "runtime/exec/sandbox_runner.h"
#include "runtime/exec/scoped_mount.h"
#include "runtime/exec/user_resolver.h"

namespace strata::exec {

// A mount target that did not exist in the rootfs: runc creates it (and its missing parents)
// in the upper dir, and we remove those empty placeholders after the run, so that mounting
// something never changes the step's output.
struct MountPlaceholder {
  std::vector<std::string> components;
  PathProbe probe;
};

struct StepMounts {
  std::vector<OciMount> mounts;  // after the standard /proc, /dev, /sys
  ScopedMount secrets;           // private tmpfs in the bundle holding secret copies
  std::vector<MountPlaceholder> placeholders;
};

// Validates the spec's mounts, copies secrets into a private tmpfs under `bundle`, writes
// an /etc/hosts for `hostname`, and records which targets are missing from the mounted
// `rootfs`. Cache mount sources are created if missing; bind sources must exist.
llvm::Expected<StepMounts> PrepareStepMounts(const RunSpec& spec, const ResolvedUser& user,
                                             const std::string& bundle, const std::string& rootfs);

// Removes the placeholders from `upper` (after the overlay is unmounted), deepest first.
void RemovePlaceholders(const std::vector<MountPlaceholder>& placeholders,
                        const std::string& upper);

}  // namespace strata::exec
