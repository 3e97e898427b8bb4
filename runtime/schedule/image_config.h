// Applies one `config` node (field, value) to an image, as the matching Dockerfile
// instruction would, and records it in the history as an empty layer.
#pragma once

#include <cstdint>
#include <string>

#include <llvm/Support/Error.h>
#include <nlohmann/json.hpp>

#include "runtime/oci/image.h"

namespace strata::schedule {

// Fields (docs/graph.md): workdir (relative to the current WorkingDir), env [name, value]
// (replaces the variable of that name), user, entrypoint (also clears Cmd: see
// docs/runtime.md), cmd, expose "8080/tcp", label [key, value], volume, healthcheck
// {test, interval, timeout, start_period, retries}, stopsignal, shell. An unknown field or a
// value of the wrong shape is an error.
llvm::Error ApplyConfig(oci::Image& image, const std::string& field, const nlohmann::json& value);

// Go-style durations as Docker writes them in a healthcheck: "1h2m3.5s", "500ms" → ns.
llvm::Expected<int64_t> ParseDuration(const std::string& text);

// The value of an environment variable in the image config's Env, or nullopt.
std::optional<std::string> EnvValue(const nlohmann::json& config, const std::string& name);

// "/a/b/../c" → "/a/c"; a relative `path` is taken relative to `base`.
std::string CleanPath(const std::string& base, const std::string& path);

}  // namespace strata::schedule
