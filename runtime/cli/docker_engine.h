// `strata build --engine docker`: running an exported Dockerfile on the Docker Engine that
// DOCKER_HOST names (its BuildKit, local or remote) and fetching the image back.
#pragma once

#include <llvm/Support/Error.h>

#include <map>
#include <string>

#include "runtime/cli/build_target.h"

namespace strata::cli {

struct EngineRequest {
  std::string context_dir;  // the exported Dockerfile and context
  std::string archive;      // where `docker save` writes the built image (docker-archive)
  std::string work_dir;     // for the image id file; outlives the call
  bool network = false;     // a RUN step needs the network: no --network=none
  std::map<std::string, std::string> secrets;  // id → file, passed as --secret
  bool plain_progress = false;
};

// Runs `docker build` (DOCKER_BUILDKIT=1, --network=none unless `network`) and `docker save`
// with the environment's DOCKER_HOST; their output goes to stderr as the engine writes it. An
// error says which command failed and with what exit status.
llvm::Error BuildOnDockerEngine(const EngineRequest& request);

// Exports the target of `flags` into a new temporary directory (`work_dir`, which the caller
// removes), builds it on the engine, and points `flags` at the program `load ./image.tar` of
// the engine's image: the rest of `strata build` then writes -o outputs and prints the
// manifest digest as for any build. Returns the exit code (errors printed).
int PrepareDockerEngineBuild(BuildFlags& flags, std::string& work_dir);

}  // namespace strata::cli
