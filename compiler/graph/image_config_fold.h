// The image-config fold: how config nodes (WORKDIR, ENV, USER, SHELL, ...) accumulate down a
// stage, as pure functions over OCI config JSON and over the graph. The runtime applies one
// step per config node with it; an exporter can fold a whole stage without running anything.
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "compiler/graph/node.h"
#include "compiler/support/slash_path.h"

namespace strata::graph {

// Applies one config change to `config` (the OCI image config's "config" object: Env,
// WorkingDir, User, ...) as the matching Dockerfile instruction would, and returns the
// history's created_by text ("WORKDIR /src"). Fields (docs/graph.md): workdir (relative to the
// current WorkingDir), env [name, value] (replaces the variable of that name), user,
// entrypoint (leaves Cmd: see docs/runtime.md), cmd ([] unsets it), expose "8080/tcp", label
// [key, value], volume, healthcheck {test, interval, timeout, start_period, retries},
// stopsignal, shell, onbuild (a trigger appended to OnBuild; "" clears them). An unknown field
// or a value of the wrong shape is an error, and `config` is then unchanged.
llvm::Expected<std::string> FoldConfigChange(nlohmann::json& config, const std::string& field,
                                             const nlohmann::json& value);

// The config of the image `stage` makes: the config of the stage's root (scratch: {}; pull,
// load, debian, minimal: `root_config(root)`, which only the runtime or a registry knows),
// folded through every config node between the root and `stage` (exec and copy nodes pass
// the config on unchanged). Errors: a config node FoldConfigChange rejects, or an artifact.
using RootConfig = std::function<llvm::Expected<nlohmann::json>(const Node& root)>;
llvm::Expected<nlohmann::json> FoldStageConfig(const Node& stage, const RootConfig& root_config);

// Go-style durations as Docker writes them in a healthcheck: "1h2m3.5s", "500ms" → ns.
llvm::Expected<int64_t> ParseDuration(const std::string& text);

// The value of an environment variable in a config's Env, or nullopt.
std::optional<std::string> EnvValue(const nlohmann::json& config, const std::string& name);

// "/a/b/../c" → "/a/c"; a relative `path` is taken relative to `base` (the base library's).
using support::CleanPath;

}  // namespace strata::graph
