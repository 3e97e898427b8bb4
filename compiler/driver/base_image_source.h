// What a Dockerfile's build takes from its external base images before lowering (ONBUILD
// triggers, the Env `$VAR` expands with), looked up through an injected source: the runtime
// reads registries and OCI layouts, unit tests give fakes.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compiler/dockerfile/args.h"
#include "compiler/graph/lockfile.h"

namespace strata::driver {

// Where image configs come from. Each returns the image config's `config` object (with
// "OnBuild" and "Env"), or nullopt when the image is unknown or cannot be read (the build
// reports real problems later, at the node that needs the image).
class BaseImageSource {
 public:
  virtual ~BaseImageSource() = default;
  // A registry image `ref`, at `digest` when strata.lock pins it ("" otherwise).
  virtual std::optional<nlohmann::json> RegistryConfig(const std::string& ref,
                                                       const std::string& digest) = 0;
  // The image of an OCI layout directory (the one tagged `tag`, else its only image).
  virtual std::optional<nlohmann::json> LayoutConfig(const std::string& dir,
                                                     const std::string& tag) = 0;
};

// The configs of one Dockerfile's bases, each looked up once: a FROM word names a
// `--build-context` (an `oci-layout://` or `docker-image://` one has a config) or a registry
// image (pinned by the lockfile when it has an entry).
class BaseImageConfigs {
 public:
  // `source` and `lockfile` may be null (no configs known; no pins).
  BaseImageConfigs(BaseImageSource* source, std::map<std::string, std::string> build_contexts,
                   const graph::Lockfile* lockfile);

  const nlohmann::json* Config(const std::string& base);
  std::vector<std::string> Triggers(const std::string& base);
  std::optional<dockerfile::ShellEnv> Env(const std::string& base);
  // Env as the lowering and the translation take it (valid while this object lives).
  dockerfile::BaseImageEnv EnvFunction();
  // User, WorkingDir and PATH presence, as the planner takes them (valid while this lives).
  dockerfile::BaseImageDefaultsFn DefaultsFunction();

 private:
  BaseImageSource* source_;
  std::map<std::string, std::string> build_contexts_;
  const graph::Lockfile* lockfile_;
  std::map<std::string, std::optional<nlohmann::json>> configs_;
};

}  // namespace strata::driver
