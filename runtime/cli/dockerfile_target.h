// Building a Dockerfile target (`strata build -f Dockerfile`): lowering with the base
// images' ONBUILD triggers spliced in after their FROM.
#pragma once

#include "compiler/graph/local_source.h"
#include "compiler/graph/node.h"
#include "runtime/cli/build_target.h"
#include "runtime/cli/session.h"

namespace strata::cli {

// Lowers `flags.input.file` as a Dockerfile into the session's graph (LowerDockerfileFile's
// steps, with ONBUILD triggers spliced in); null after errors (in the session's diagnostics,
// with the Dockerfile's file:line:col).
const graph::Node* LowerDockerfileTarget(const BuildFlags& flags, Session& session,
                                         graph::LocalSourceHasher& hasher);

}  // namespace strata::cli
