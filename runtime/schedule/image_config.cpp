// ApplyConfig: the image-config fold of compiler/graph applied to a runtime image.
#include "runtime/schedule/image_config.h"

namespace strata::schedule {

llvm::Error ApplyConfig(oci::Image& image, const std::string& field, const nlohmann::json& value) {
  nlohmann::json config = image.config.is_object() ? image.config : nlohmann::json::object();
  // The runtime keeps ONBUILD triggers beside the config (oci::Image::onbuild).
  if (!image.onbuild.empty()) config["OnBuild"] = image.onbuild;
  llvm::Expected<std::string> created_by = graph::FoldConfigChange(config, field, value);
  if (!created_by) return created_by.takeError();
  image.onbuild.clear();
  if (config.contains("OnBuild")) {
    for (const nlohmann::json& trigger : config["OnBuild"])
      image.onbuild.push_back(trigger.get<std::string>());
    config.erase("OnBuild");
  }
  image.config = std::move(config);
  // ONBUILD lines are not history entries (the Dockerfile frontend never wrote them as such).
  if (field != "onbuild") image.history.push_back({*created_by, /*empty_layer=*/true, ""});
  return llvm::Error::success();
}

}  // namespace strata::schedule
