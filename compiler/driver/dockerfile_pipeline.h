// The one Dockerfile pipeline: read → parse → ONBUILD triggers spliced in → context hashed →
// lowered onto the graph. `strata build -f`, `graph`, `check`, `import --graph` and the
// `dockerfile` builtin all come through here, so the same Dockerfile gives the same keys.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/dockerfile/instructions.h"
#include "compiler/dockerfile/lower.h"
#include "compiler/driver/base_image_source.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/lockfile.h"
#include "compiler/graph/node.h"

namespace strata::driver {

// What one invocation decides for every Dockerfile it lowers.
struct DockerfileSettings {
  const graph::Lockfile* lockfile = nullptr;  // pins FROM images; null: nothing is pinned
  bool locked = false;  // --locked: an unpinned FROM is an error at the FROM's line:col
  BaseImageSource* base_images = nullptr;  // null: no base image's config is known
};

// A Dockerfile read and parsed, with its context directory and .dockerignore resolved.
struct ReadDockerfileResult {
  dockerfile::Dockerfile dockerfile;
  diag::FileId file = 0;
  std::string path;         // absolute; "" for text given in memory (stdin)
  std::string context_dir;  // absolute
  std::vector<std::string> context_exclude;
};

// Reads (through `sources`, so an overlay applies) and parses `input`; nullopt after errors.
std::optional<ReadDockerfileResult> ReadDockerfile(const dockerfile::DockerfileInput& input,
                                                   diag::SourceManager& sources,
                                                   diag::DiagnosticEngine& diags);

// The target stage's node, or null after reporting errors (with the Dockerfile's
// file:line:col) to `diags`.
const graph::Node* LowerDockerfileInput(const dockerfile::DockerfileInput& input,
                                        const DockerfileSettings& settings, graph::Graph& graph,
                                        graph::LocalSourceHasher& hasher,
                                        diag::SourceManager& sources,
                                        diag::DiagnosticEngine& diags);

}  // namespace strata::driver
