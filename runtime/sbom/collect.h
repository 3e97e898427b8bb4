// Gathering an image's SBOM components from the derivation graph and the node records of the
// build that made it.
#pragma once

#include <llvm/Support/Error.h>

#include <functional>
#include <vector>

#include "compiler/graph/node.h"
#include "runtime/sbom/sbom.h"
#include "runtime/schedule/node_output.h"

namespace strata::sbom {

// The output (node record) of a node of the build: the CLI reads it from the store, or builds
// the node again when its record is gone.
using OutputOf = std::function<llvm::Expected<schedule::NodeOutput>(const graph::Node&)>;

// Walks the graph below `target` and lists what the build used: each `debian` base's packages
// (from its record, as resolved or locked, with the mirror they came from), each pulled base
// (the digest it resolved to), each loaded base, each `fetch` (URL and sha256) and each
// `network = true` step (its output's sha256, from its record). A component is in_image when
// it is reached along the image's own chain (a stage's parent, a copied download) and only a
// build input when reached through a selection out of another stage, a mount or `minimal`.
// Sorted, repeats merged.
llvm::Expected<std::vector<Component>> CollectComponents(const graph::Node& target,
                                                         const OutputOf& output_of);

}  // namespace strata::sbom
