// The configs of a Dockerfile's external base images (ONBUILD triggers, Env).
#include "runtime/cli/base_images.h"

#include <fstream>

#include "compiler/dockerfile/lower.h"
#include "runtime/cli/session.h"
#include "runtime/oci/registry.h"
#include "runtime/store/store.h"

namespace strata::cli {
namespace {

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

// The `config` object of an OCI layout's image (the tagged manifest, else the only one).
std::optional<nlohmann::json> LayoutConfig(const dockerfile::BuildContextSpec& spec) {
  auto blob = [&](const nlohmann::json& descriptor) {
    std::string digest = descriptor.is_object() ? descriptor.value("digest", std::string()) : "";
    size_t colon = digest.find(':');
    if (colon == std::string::npos || digest.find('/') != std::string::npos) return nlohmann::json();
    return ReadJson(spec.location + "/blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1));
  };
  nlohmann::json index = ReadJson(spec.location + "/index.json");
  if (!index.is_object() || !index["manifests"].is_array() || index["manifests"].empty()) return std::nullopt;
  nlohmann::json chosen = index["manifests"].size() == 1 ? index["manifests"][0] : nlohmann::json();
  for (const nlohmann::json& entry : index["manifests"])
    if (!spec.tag.empty() && entry.is_object() && entry.contains("annotations") &&
        entry["annotations"].value("org.opencontainers.image.ref.name", std::string()) == spec.tag)
      chosen = entry;
  nlohmann::json manifest = blob(chosen);
  if (!manifest.is_object()) return std::nullopt;
  nlohmann::json config = blob(manifest["config"]);
  if (!config.is_object() || !config["config"].is_object()) return nlohmann::json::object();
  return config["config"];
}

std::optional<nlohmann::json> PulledConfig(const std::string& ref, const std::string& digest) {
  llvm::Expected<store::Store> store = store::Store::Open(DefaultStoreDir());
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

}  // namespace

BaseImages::BaseImages(std::map<std::string, std::string> build_contexts,
                       std::shared_ptr<const eval::Lockfile> lockfile)
    : build_contexts_(std::move(build_contexts)), lockfile_(std::move(lockfile)) {}

const nlohmann::json* BaseImages::Config(const std::string& base) {
  auto [it, inserted] = configs_.try_emplace(base);
  if (inserted) {
    if (auto context = build_contexts_.find(base); context != build_contexts_.end()) {
      dockerfile::BuildContextSpec spec = dockerfile::ParseBuildContextSpec(context->second);
      if (spec.kind == dockerfile::BuildContextSpec::Kind::kOciLayout) it->second = LayoutConfig(spec);
      if (spec.kind == dockerfile::BuildContextSpec::Kind::kImage)
        it->second = PulledConfig(spec.location, lockfile_ ? lockfile_->Lookup(spec.location) : "");
    } else {
      it->second = PulledConfig(base, lockfile_ ? lockfile_->Lookup(base) : "");
    }
  }
  return it->second ? &*it->second : nullptr;
}

std::vector<std::string> BaseImages::Triggers(const std::string& base) {
  std::vector<std::string> triggers;
  const nlohmann::json* config = Config(base);
  if (config && config->contains("OnBuild") && (*config)["OnBuild"].is_array())
    for (const nlohmann::json& trigger : (*config)["OnBuild"])
      if (trigger.is_string()) triggers.push_back(trigger);
  return triggers;
}

std::optional<dockerfile::ShellEnv> BaseImages::Env(const std::string& base) {
  const nlohmann::json* config = Config(base);
  if (!config) return std::nullopt;
  dockerfile::ShellEnv env;
  if (config->contains("Env") && (*config)["Env"].is_array())
    for (const nlohmann::json& entry : (*config)["Env"]) {
      if (!entry.is_string()) continue;
      std::string text = entry;
      size_t equals = text.find('=');
      if (equals != std::string::npos) env[text.substr(0, equals)] = text.substr(equals + 1);
    }
  return env;
}

dockerfile::BaseImageEnv BaseImages::EnvFunction() {
  return [this](const std::string& base) { return Env(base); };
}

}  // namespace strata::cli
