// The configs of a Dockerfile's external base images, looked up once each.
#include "compiler/driver/base_image_source.h"

#include "compiler/dockerfile/lower.h"

namespace strata::driver {

BaseImageConfigs::BaseImageConfigs(BaseImageSource* source,
                                   std::map<std::string, std::string> build_contexts,
                                   const graph::Lockfile* lockfile)
    : source_(source), build_contexts_(std::move(build_contexts)), lockfile_(lockfile) {}

const nlohmann::json* BaseImageConfigs::Config(const std::string& base) {
  if (!source_) return nullptr;
  auto [it, inserted] = configs_.try_emplace(base);
  if (inserted) {
    auto pin = [this](const std::string& ref) {
      return lockfile_ ? lockfile_->Lookup(ref) : std::string();
    };
    if (auto context = build_contexts_.find(base); context != build_contexts_.end()) {
      dockerfile::BuildContextSpec spec = dockerfile::ParseBuildContextSpec(context->second);
      if (spec.kind == dockerfile::BuildContextSpec::Kind::kOciLayout)
        it->second = source_->LayoutConfig(spec.location, spec.tag);
      if (spec.kind == dockerfile::BuildContextSpec::Kind::kImage)
        it->second = source_->RegistryConfig(spec.location, pin(spec.location));
    } else {
      it->second = source_->RegistryConfig(base, pin(base));
    }
  }
  return it->second ? &*it->second : nullptr;
}

std::vector<std::string> BaseImageConfigs::Triggers(const std::string& base) {
  std::vector<std::string> triggers;
  const nlohmann::json* config = Config(base);
  if (config && config->contains("OnBuild") && (*config)["OnBuild"].is_array())
    for (const nlohmann::json& trigger : (*config)["OnBuild"])
      if (trigger.is_string()) triggers.push_back(trigger);
  return triggers;
}

std::optional<dockerfile::ShellEnv> BaseImageConfigs::Env(const std::string& base) {
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

dockerfile::BaseImageEnv BaseImageConfigs::EnvFunction() {
  return [this](const std::string& base) { return Env(base); };
}

dockerfile::BaseImageDefaultsFn BaseImageConfigs::DefaultsFunction() {
  return [this](const std::string& base) -> std::optional<dockerfile::BaseImageDefaults> {
    const nlohmann::json* config = Config(base);
    if (!config) return std::nullopt;
    dockerfile::BaseImageDefaults defaults;
    if (auto it = config->find("User"); it != config->end() && it->is_string()) defaults.user = *it;
    if (auto it = config->find("WorkingDir"); it != config->end() && it->is_string())
      defaults.workdir = *it;
    std::optional<dockerfile::ShellEnv> env = Env(base);
    defaults.has_path = env && env->count("PATH");
    return defaults;
  };
}

}  // namespace strata::driver
