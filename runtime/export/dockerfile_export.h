// `strata export --dockerfile`: a target's derivation graph as a multi-stage Dockerfile and its
// build context, which BuildKit builds into the same files and image config (docs/export.md).
#pragma once

#include <llvm/Support/Error.h>

#include <functional>
#include <string>
#include <vector>

#include "compiler/graph/node.h"
#include "runtime/schedule/node_output.h"
#include "runtime/store/store.h"

namespace strata::exporter {

struct ExportHooks {
  const store::Store* store = nullptr;
  // Builds a node with Strata's executor: a pre-built stage (load, debian, minimal), an
  // artifact that goes into the context (local, text, fetch, ...) and a pull's base config.
  std::function<llvm::Expected<schedule::NodeOutput>(const graph::Node&)> build;
};

struct ExportResult {
  std::string dockerfile;             // the text written to DIR/Dockerfile
  std::vector<std::string> secrets;   // secret ids RUN steps mount (docker build --secret)
  bool network = false;               // a RUN step needs the network (no --network=none)
  std::vector<std::string> warnings;  // known differences from Strata's own image
};

// Writes `dir`/Dockerfile and the context files (ctx/, prebuilt/) for the stage `target`.
// `dir` must exist and be empty. Errors name the node that has no Dockerfile form.
llvm::Expected<ExportResult> ExportDockerfile(const graph::Node& target, const std::string& dir,
                                              const ExportHooks& hooks);

}  // namespace strata::exporter
