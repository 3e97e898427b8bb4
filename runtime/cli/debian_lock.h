// `strata lock` for `debian` bases: the requests a program makes, and their resolutions as
// strata.lock records them.
#pragma once

#include <llvm/Support/Error.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compiler/graph/node.h"
#include "runtime/store/store.h"

namespace strata::cli {

struct DebianLockRequest {
  std::string suite, arch, mirror;
  std::vector<std::string> packages;
  std::vector<std::string> exclude;  // left out of the closure (the `debian` record's `exclude`)
};

// Every debian node reachable from the roots, by its lock key (graph::DebianLockKey).
std::map<std::string, DebianLockRequest> DebianRequests(
    const std::vector<const graph::Node*>& roots);

// Resolves the request against the mirror's verified index (the request's mirror, else
// debian::DefaultMirror()): {"release": {"suite", "date", "sha256"}, "packages": [{"name",
// "version", "arch", "filename", "size", "sha256"}, ...]} with packages sorted by name.
llvm::Expected<nlohmann::json> ResolveDebianLock(const store::Store& store,
                                                 const DebianLockRequest& request);

}  // namespace strata::cli
