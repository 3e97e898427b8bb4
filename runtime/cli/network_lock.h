// `strata lock` for network steps: each `runWith { network = true; }` step without a sha256
// is built and the hash of its output recorded in strata.lock (graph::Lockfile::SetNetwork).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/driver/frontend.h"
#include "compiler/graph/lockfile.h"
#include "runtime/cli/options.h"

namespace strata::cli {

// Evaluates what `strata lock` locks in a fresh `frontend` — one program, or every target of a
// workspace — and appends its roots to `nodes`; false after errors (in the frontend's
// diagnostics). Called once per round: each lock changes the graph.
using LockRoots =
    std::function<bool(driver::Frontend& frontend, std::vector<const graph::Node*>& nodes)>;

// Round by round: evaluates `roots` with `lock` (as saved at `lock_path`) in
// LockPolicy::kLocking, builds every unpinned network step that has no unpinned network step
// below it, records {"sha256", "step": "FILE:LINE:COL", "command"} under its key and saves the
// lock; until no step is unpinned. The built output's node record is copied to the record key
// of the pinned node (graph::PinNetworkOutput) so that the next build does not run the step. Then
// drops the entries no step uses. Prints one line per step locked. `rerun` (--update-network) runs
// the steps even when the store has their output. `secrets` (id → file, from --secret) are mounted
// into the steps that declare them, as in a build. Returns an exit code; on failure the lock file
// is as it was before the call.
int LockNetworkSteps(const LockRoots& roots, const std::string& store_dir,
                     const std::string& lock_path, graph::Lockfile& lock, bool rerun,
                     const std::map<std::string, std::string>& secrets);

// The network steps without sha256 or lock entry among the roots and their inputs.
std::vector<const graph::Node*> UnpinnedNetworkSteps(const std::vector<const graph::Node*>& roots);

// The lock file's text as it is on disk ("" when there is none): a lock is saved only when
// its serialisation differs, so an unchanged lock keeps its mtime.
std::string LockFileText(const std::string& path);

// Where a node was made, as FILE:LINE:COL ("" when it has no source).
std::string NodeLocation(const driver::Frontend& frontend, const graph::Node* node);

}  // namespace strata::cli
