// The configs of a Dockerfile's external base images, for what BuildKit takes from them
// before building: ONBUILD triggers and the Env that `$VAR` in ENV and friends expands with.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/dockerfile/args.h"
#include "compiler/eval/lockfile.h"

namespace strata::cli {

class BaseImages {
 public:
  // `build_contexts`: NAME -> spec (`oci-layout://DIR[:TAG]`, ...); `lockfile` pins registry
  // images (may be null).
  BaseImages(std::map<std::string, std::string> build_contexts,
             std::shared_ptr<const eval::Lockfile> lockfile);

  // The image config's `config` object of `base` (a FROM word): an `oci-layout://` build
  // context is read from its layout, any other name that is not a build context has its
  // manifest and config pulled through the registry client (the pull node fetches the layers
  // when the build needs them). Null
  // when unknown (no registry, a directory context): the build reports real problems later,
  // at the node that needs the image. Each base is looked up once.
  const nlohmann::json* Config(const std::string& base);

  std::vector<std::string> Triggers(const std::string& base);
  std::optional<dockerfile::ShellEnv> Env(const std::string& base);
  // Env as the lowering takes it.
  dockerfile::BaseImageEnv EnvFunction();

 private:
  std::map<std::string, std::string> build_contexts_;
  std::shared_ptr<const eval::Lockfile> lockfile_;
  std::map<std::string, std::optional<nlohmann::json>> configs_;
};

}  // namespace strata::cli
