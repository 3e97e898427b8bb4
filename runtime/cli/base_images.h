// The runtime's lookups of a Dockerfile's external base images for the driver
// (driver::BaseImageSource): OCI layouts read from disk, registry images' configs pulled.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "compiler/driver/base_image_source.h"

namespace strata::cli {

class RegistryBaseImages : public driver::BaseImageSource {
 public:
  // A registry image's manifest and config are pulled into the store at `store_dir` (the
  // pull node fetches the layers when the build needs them). Without `may_create_store` a
  // store that does not exist yet is left alone and registry images stay unknown (`strata
  // check` and `graph` create nothing on disk).
  RegistryBaseImages(std::string store_dir, bool may_create_store)
      : store_dir_(std::move(store_dir)), may_create_store_(may_create_store) {}

  std::optional<nlohmann::json> RegistryConfig(const std::string& ref,
                                               const std::string& digest) override;
  std::optional<nlohmann::json> LayoutConfig(const std::string& dir,
                                             const std::string& tag) override;

 private:
  std::string store_dir_;
  bool may_create_store_;
};

}  // namespace strata::cli
