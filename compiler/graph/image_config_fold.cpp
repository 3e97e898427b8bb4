// FoldConfigChange and FoldStageConfig: the one definition of what a config node does to an
// image config, shared by the runtime and exporters.
#include "compiler/graph/image_config_fold.h"

#include <cctype>
#include <vector>

#include "compiler/graph/op_params.h"

namespace strata::graph {
namespace {

llvm::Error ConfigError(const std::string& message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

bool IsStringList(const nlohmann::json& value) {
  if (!value.is_array()) return false;
  for (const nlohmann::json& item : value)
    if (!item.is_string()) return false;
  return true;
}

std::string Compact(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::optional<std::string> EnvValue(const nlohmann::json& config, const std::string& name) {
  if (!config.contains("Env") || !config["Env"].is_array()) return std::nullopt;
  for (const nlohmann::json& entry : config["Env"]) {
    if (!entry.is_string()) continue;
    const std::string& text = entry.get_ref<const std::string&>();
    if (text.compare(0, name.size() + 1, name + "=") == 0) return text.substr(name.size() + 1);
  }
  return std::nullopt;
}

llvm::Expected<int64_t> ParseDuration(const std::string& text) {
  if (text.empty()) return ConfigError("empty duration");
  if (text == "0") return 0;
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    if (i == start) return ConfigError("malformed duration '" + text + "'");
    double number = std::stod(text.substr(start, i - start));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ns")
      scale = 1;
    else if (unit == "us" || unit == "µs")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1e6;
    else if (unit == "s")
      scale = 1e9;
    else if (unit == "m")
      scale = 60e9;
    else if (unit == "h")
      scale = 3600e9;
    else
      return ConfigError("malformed duration '" + text + "': unknown unit '" + unit + "'");
    total += number * scale;
  }
  return static_cast<int64_t>(total);
}

llvm::Expected<std::string> FoldConfigChange(nlohmann::json& original, const std::string& field,
                                             const nlohmann::json& value) {
  // Changed on a copy: a rejected change leaves `original` as it was.
  nlohmann::json config = original.is_object() ? original : nlohmann::json::object();
  std::string created_by;
  auto need = [&](bool ok, const char* shape) -> llvm::Error {
    if (ok) return llvm::Error::success();
    return ConfigError("config " + field + ": expected " + shape + ", got " + Compact(value));
  };

  if (field == "workdir") {
    if (llvm::Error err = need(value.is_string(), "a path")) return err;
    // As BuildKit: an absolute path is kept as written (`/a/b/` keeps its slash, `/a/../b`
    // its dots); a relative one is joined to the current one and cleaned.
    const std::string& path = value.get_ref<const std::string&>();
    std::string base = config.value("WorkingDir", std::string("/"));
    if (base.empty()) base = "/";
    config["WorkingDir"] = !path.empty() && path[0] == '/' ? path : CleanPath(base, path);
    created_by = "WORKDIR " + value.get<std::string>();
  } else if (field == "env") {
    if (llvm::Error err = need(IsStringList(value) && value.size() == 2, "[name, value]"))
      return err;
    std::string name = value[0], text = value[1];
    if (name.empty() || name.find('=') != std::string::npos)
      return ConfigError("config env: malformed variable name '" + name + "'");
    nlohmann::json env = nlohmann::json::array();
    bool replaced = false;
    if (config.contains("Env") && config["Env"].is_array())
      for (const nlohmann::json& entry : config["Env"]) {
        if (entry.is_string() &&
            entry.get_ref<const std::string&>().compare(0, name.size() + 1, name + "=") == 0) {
          env.push_back(name + "=" + text);
          replaced = true;
        } else {
          env.push_back(entry);
        }
      }
    if (!replaced) env.push_back(name + "=" + text);
    config["Env"] = env;
    created_by = "ENV " + name + "=" + text;
  } else if (field == "user") {
    if (llvm::Error err = need(value.is_string(), "a user")) return err;
    config["User"] = value;
    created_by = "USER " + value.get<std::string>();
  } else if (field == "entrypoint" || field == "cmd" || field == "shell") {
    if (llvm::Error err = need(IsStringList(value), "a list of strings")) return err;
    if (field == "entrypoint") {
      // Each config op sets one field: `entrypoint` leaves Cmd as it is. (Docker drops a CMD
      // inherited from the base when a stage sets ENTRYPOINT; the Dockerfile lowering says so
      // with an explicit `cmd [ ]`.)
      config["Entrypoint"] = value;
      created_by = "ENTRYPOINT " + Compact(value);
    } else if (field == "cmd") {
      // `cmd [ ]` unsets Cmd, as Docker leaves it null.
      if (value.empty())
        config.erase("Cmd");
      else
        config["Cmd"] = value;
      // BuildKit (20.10, Linux) sets `ArgsEscaped: true` on every CMD, JSON form included, and
      // never for ENTRYPOINT; a child keeps it. `cmd` does the same, so that a Dockerfile and
      // its translation give BuildKit's config; the `cmd [ ]` that a Dockerfile ENTRYPOINT adds
      // to drop an inherited CMD does not set it.
      if (!value.empty()) config["ArgsEscaped"] = true;
      created_by = "CMD " + Compact(value);
    } else {
      config["Shell"] = value;
      created_by = "SHELL " + Compact(value);
    }
  } else if (field == "expose") {
    if (llvm::Error err = need(value.is_string(), "a port such as \"8080/tcp\"")) return err;
    std::string port = value;
    if (port.find('/') == std::string::npos) port += "/tcp";
    config["ExposedPorts"][port] = nlohmann::json::object();
    created_by = "EXPOSE " + port;
  } else if (field == "label") {
    if (llvm::Error err = need(IsStringList(value) && value.size() == 2, "[key, value]"))
      return err;
    config["Labels"][value[0].get<std::string>()] = value[1];
    created_by = "LABEL " + value[0].get<std::string>() + "=" + value[1].get<std::string>();
  } else if (field == "volume") {
    if (llvm::Error err = need(value.is_string(), "a path")) return err;
    config["Volumes"][value.get<std::string>()] = nlohmann::json::object();
    created_by = "VOLUME [" + Compact(value) + "]";
  } else if (field == "stopsignal") {
    if (llvm::Error err = need(value.is_string(), "a signal")) return err;
    config["StopSignal"] = value;
    created_by = "STOPSIGNAL " + value.get<std::string>();
  } else if (field == "healthcheck") {
    if (llvm::Error err =
            need(value.is_object() && value.contains("test") && IsStringList(value["test"]),
                 "{test, interval, timeout, start_period, retries}"))
      return err;
    nlohmann::json check = {{"Test", value["test"]}};
    for (auto [from, to] : {std::pair{"interval", "Interval"}, std::pair{"timeout", "Timeout"},
                            std::pair{"start_period", "StartPeriod"}}) {
      if (!value.contains(from)) continue;
      if (!value[from].is_string())
        return ConfigError(std::string("config healthcheck: ") + from +
                           " must be a duration string");
      llvm::Expected<int64_t> ns = ParseDuration(value[from]);
      if (!ns) return ns.takeError();
      check[to] = *ns;
    }
    if (value.contains("retries")) {
      if (!value["retries"].is_number_integer())
        return ConfigError("config healthcheck: retries must be an integer");
      check["Retries"] = value["retries"];
    }
    config["Healthcheck"] = check;
    created_by = "HEALTHCHECK " + Compact(value["test"]);
  } else if (field == "onbuild") {
    if (llvm::Error err = need(value.is_string(), "the trigger text")) return err;
    // An empty trigger is the Dockerfile frontend's marker: the base's triggers ran, drop them.
    if (value.get_ref<const std::string&>().empty())
      config.erase("OnBuild");
    else
      config["OnBuild"].push_back(value);
    created_by = "ONBUILD " + value.get<std::string>();
  } else {
    return ConfigError("unknown config field '" + field + "'");
  }
  original = std::move(config);
  return created_by;
}

llvm::Expected<nlohmann::json> FoldStageConfig(const Node& stage, const RootConfig& root_config) {
  // The config nodes from `stage` down to the root, applied root first.
  std::vector<const Node*> changes;
  const Node* node = &stage;
  while (node->op() == Op::kConfig || node->op() == Op::kExec || node->op() == Op::kCopy) {
    if (node->op() == Op::kConfig) changes.push_back(node);
    if (node->inputs().empty())
      return ConfigError(std::string(OpName(node->op())) + " node " + node->key().Hex() +
                         " has no stage input");
    node = node->inputs()[0];
  }
  nlohmann::json config = nlohmann::json::object();
  if (!IsStage(node))
    return ConfigError(std::string(OpName(node->op())) + " node " + node->key().Hex() +
                       " is not a stage");
  if (node->op() != Op::kScratch) {
    llvm::Expected<nlohmann::json> root = root_config(*node);
    if (!root) return root.takeError();
    config = std::move(*root);
  }
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    llvm::Expected<ConfigParams> params = DecodeConfig(**it);
    if (!params) return params.takeError();
    llvm::Expected<std::string> applied = FoldConfigChange(config, params->field, params->value);
    if (!applied) return applied.takeError();
  }
  return config;
}

}  // namespace strata::graph
