// The runtime's lookups of a Dockerfile's external base images (OCI layouts, docker-archives,
// registries).
#include "runtime/cli/base_images.h"

#include <sys/stat.h>

#include <fstream>

#include "runtime/oci/image_reader.h"
#include "runtime/oci/registry.h"
#include "runtime/store/store.h"

namespace strata::cli {
namespace {

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

// The `config` object of an OCI layout's image (the tagged manifest, else the only one).
std::optional<nlohmann::json> ReadLayoutConfig(const std::string& dir, const std::string& tag) {
  auto blob = [&](const nlohmann::json& descriptor) {
    std::string digest = descriptor.is_object() ? descriptor.value("digest", std::string()) : "";
    size_t colon = digest.find(':');
    if (colon == std::string::npos || digest.find('/') != std::string::npos)
      return nlohmann::json();
    return ReadJson(dir + "/blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1));
  };
  nlohmann::json index = ReadJson(dir + "/index.json");
  if (!index.is_object() || !index["manifests"].is_array() || index["manifests"].empty())
    return std::nullopt;
  nlohmann::json chosen = index["manifests"].size() == 1 ? index["manifests"][0] : nlohmann::json();
  for (const nlohmann::json& entry : index["manifests"])
    if (!tag.empty() && entry.is_object() && entry.contains("annotations") &&
        entry["annotations"].value("org.opencontainers.image.ref.name", std::string()) == tag)
      chosen = entry;
  nlohmann::json manifest = blob(chosen);
  if (!manifest.is_object()) return std::nullopt;
  nlohmann::json config = blob(manifest["config"]);
  if (!config.is_object() || !config["config"].is_object()) return nlohmann::json::object();
  return config["config"];
}

}  // namespace

std::optional<nlohmann::json> RegistryBaseImages::LayoutConfig(const std::string& dir,
                                                               const std::string& tag) {
  // `oci-layout://` also takes a docker-archive file (the load node reads both): its config
  // comes from the archive's manifest.json, so its ONBUILD, Env, User and WorkingDir count.
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    llvm::Expected<oci::Image> image = oci::ReadDockerArchiveConfig(dir, tag);
    if (!image) {
      // Unknown here; the load node reports the same archive error when it is built.
      llvm::consumeError(image.takeError());
      return std::nullopt;
    }
    nlohmann::json config = image->config;
    if (!image->onbuild.empty()) config["OnBuild"] = image->onbuild;
    return config;
  }
  return ReadLayoutConfig(dir, tag);
}

std::optional<nlohmann::json> RegistryBaseImages::RegistryConfig(const std::string& ref,
                                                                 const std::string& digest) {
  struct stat st;
  // A read-only command uses a store that is already there, and makes none.
  if (!may_create_store_ && ::stat((store_dir_ + "/blobs").c_str(), &st) != 0) return std::nullopt;
  llvm::Expected<store::Store> store = store::Store::Open(store_dir_);
  if (!store) {
    llvm::consumeError(store.takeError());
    return std::nullopt;
  }
  oci::PullOptions options;
  options.config_only = true;
  llvm::Expected<oci::PulledImage> pulled = oci::PullImage(*store, ref, digest, options);
  if (!pulled) {
    llvm::consumeError(pulled.takeError());
    return std::nullopt;
  }
  nlohmann::json config = pulled->image.config;
  if (!pulled->image.onbuild.empty()) config["OnBuild"] = pulled->image.onbuild;
  return config;
}

}  // namespace strata::cli
