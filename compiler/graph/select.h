// Artifact selection (`from / "path"`), with narrowing of local sources.
#pragma once

#include <string>

#include "compiler/graph/local_source.h"
#include "compiler/graph/node.h"

namespace strata::graph {

// `from / path`. Selecting a plain path (no wildcards, no `..`, no symlink on the way) out of
// a local source makes a local node of just that path, keyed by its own content: a step that
// copies `src / "go.mod"` is then not rebuilt when another file of `src` changes (BuildKit
// keys COPY by the copied files' content in the same way). Every other selection is a select
// node that the runtime resolves. Returns null and sets `error` when the selected local path
// cannot be hashed (it does not exist, or the source's exclude patterns leave it out).
const Node* SelectPath(Graph& graph, LocalSourceHasher& hasher, const Node* from,
                       const std::string& path, diag::SourceRange origin, std::string& error);

}  // namespace strata::graph
