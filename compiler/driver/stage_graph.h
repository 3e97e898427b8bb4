// The stage nodes a package's targets reach and which stages each stands on: what `strata query`
// needs of a derivation graph, small enough for the package cache to keep beside the targets.
#pragma once

#include <llvm/ADT/ArrayRef.h>

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/graph/node.h"

namespace strata::driver {

// One stage node: its derivation key (hex) and the indices, in the same list, of the stage nodes
// it stands on directly or through non-stage nodes (a select, a local source, a fetch).
struct StageNode {
  std::string key;
  std::vector<uint32_t> inputs;
  bool operator==(const StageNode& other) const {
    return key == other.key && inputs == other.inputs;
  }
};

// Every stage node reachable from `roots` (stages themselves), each once, with its stage
// inputs. A target is in another's derivation graph exactly when its key is reachable from the
// other's through these edges (targets are stages, and stage nodes are one node per key).
std::vector<StageNode> StageGraphOf(llvm::ArrayRef<const graph::Node*> roots);

}  // namespace strata::driver
