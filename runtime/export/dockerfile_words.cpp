// Dockerfile text for the exporter: quoting and the instructions of image-config changes.
#include "runtime/export/dockerfile_words.h"

namespace strata::exporter {
namespace {

llvm::Error WordError(const std::string& message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

bool Plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("/._-:+@,%").find(c) != std::string_view::npos;
}

// Go durations as Docker's HEALTHCHECK flags read them ("5000000000ns" is exact).
std::string Nanoseconds(const nlohmann::json& value) {
  return std::to_string(value.get<int64_t>()) + "ns";
}

// HEALTHCHECK from its config form {Test, Interval, Timeout, StartPeriod, Retries} or its
// config-node form {test, interval, timeout, start_period, retries}.
llvm::Expected<std::string> Healthcheck(const nlohmann::json& check, bool node_form) {
  const nlohmann::json& test = check.at(node_form ? "test" : "Test");
  if (!test.is_array() || test.empty()) return WordError("healthcheck without a test");
  if (test[0] == "NONE") return std::string("HEALTHCHECK NONE\n");
  std::string flags;
  for (auto [node_name, config_name, flag] :
       {std::tuple{"interval", "Interval", "interval"}, std::tuple{"timeout", "Timeout", "timeout"},
        std::tuple{"start_period", "StartPeriod", "start-period"}}) {
    const char* name = node_form ? node_name : config_name;
    if (!check.contains(name)) continue;
    flags += std::string(" --") + flag + "=" +
             (node_form ? check[name].get<std::string>() : Nanoseconds(check[name]));
  }
  if (check.contains(node_form ? "retries" : "Retries"))
    flags += " --retries=" + std::to_string(check[node_form ? "retries" : "Retries"].get<int>());
  nlohmann::json rest(test.begin() + 1, test.end());
  if (test[0] == "CMD") return "HEALTHCHECK" + flags + " CMD " + JsonArray(rest) + "\n";
  if (test[0] == "CMD-SHELL" && rest.size() == 1) {
    std::string command = rest[0];
    if (command.find('\n') != std::string::npos || command.empty() || command[0] == '[')
      return WordError("a healthcheck shell command over several lines has no Dockerfile form");
    return "HEALTHCHECK" + flags + " CMD " + command + "\n";
  }
  return WordError("healthcheck test " + test.dump() + " has no Dockerfile form");
}

}  // namespace

llvm::Expected<std::string> QuoteWord(const std::string& text) {
  if (text.find('\n') != std::string::npos || text.find('\r') != std::string::npos)
    return WordError("the value " + nlohmann::json(text).dump() +
                     " holds a line break, which a Dockerfile instruction cannot");
  if (!text.empty() && std::all_of(text.begin(), text.end(), Plain)) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '\\' || c == '"' || c == '$') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string JsonArray(const nlohmann::json& strings) { return strings.dump(); }

llvm::Expected<std::string> ConfigInstruction(const std::string& field,
                                              const nlohmann::json& value) {
  auto words = [](std::initializer_list<std::string> parts,
                  const char* separator) -> llvm::Expected<std::string> {
    std::string line;
    for (const std::string& part : parts) {
      llvm::Expected<std::string> word = QuoteWord(part);
      if (!word) return word.takeError();
      line += (line.empty() ? "" : separator) + *word;
    }
    return line;
  };
  llvm::Expected<std::string> line = std::string();
  if (field == "workdir") {
    line = words({value.get<std::string>()}, "");
    if (line) *line = "WORKDIR " + *line;
  } else if (field == "env" || field == "label") {
    line = words({value[0].get<std::string>(), value[1].get<std::string>()}, "=");
    if (line) *line = (field == "env" ? "ENV " : "LABEL ") + *line;
  } else if (field == "user") {
    line = words({value.get<std::string>()}, "");
    if (line) *line = "USER " + *line;
  } else if (field == "entrypoint") {
    *line = "ENTRYPOINT " + JsonArray(value);
  } else if (field == "cmd") {
    *line = "CMD " + JsonArray(value);
  } else if (field == "shell") {
    *line = "SHELL " + JsonArray(value);
  } else if (field == "expose" || field == "stopsignal") {
    line = words({value.get<std::string>()}, "");
    if (line) *line = (field == "expose" ? "EXPOSE " : "STOPSIGNAL ") + *line;
  } else if (field == "volume") {
    std::string path = value;
    if (path.find('$') != std::string::npos || path.find('\n') != std::string::npos)
      return WordError("volume " + value.dump() + " has no Dockerfile form");
    *line = "VOLUME " + JsonArray(nlohmann::json::array({path}));
  } else if (field == "healthcheck") {
    llvm::Expected<std::string> check = Healthcheck(value, /*node_form=*/true);
    if (!check) return check.takeError();
    return *check;
  } else if (field == "onbuild") {
    std::string trigger = value;
    if (trigger.empty())
      return WordError("clearing the inherited ONBUILD triggers has no Dockerfile form");
    if (trigger.find('\n') != std::string::npos)
      return WordError("an ONBUILD trigger over several lines has no Dockerfile form");
    *line = "ONBUILD " + trigger;
  } else {
    return WordError("config field '" + field + "' has no Dockerfile form");
  }
  if (!line) return line.takeError();
  return *line + "\n";
}

llvm::Expected<std::string> ConfigInstructions(const nlohmann::json& config) {
  std::string text;
  auto add = [&](const std::string& field, const nlohmann::json& value) -> llvm::Error {
    llvm::Expected<std::string> line = ConfigInstruction(field, value);
    if (!line) return line.takeError();
    text += *line;
    return llvm::Error::success();
  };
  auto has = [&](const char* name) { return config.contains(name) && !config[name].is_null(); };
  if (has("Env"))
    for (const nlohmann::json& entry : config["Env"]) {
      std::string pair = entry;
      size_t equals = pair.find('=');
      if (llvm::Error err = add(
              "env",
              {pair.substr(0, equals), equals == std::string::npos ? "" : pair.substr(equals + 1)}))
        return err;
    }
  if (has("WorkingDir") && !config["WorkingDir"].get<std::string>().empty())
    if (llvm::Error err = add("workdir", config["WorkingDir"])) return err;
  if (has("User") && !config["User"].get<std::string>().empty())
    if (llvm::Error err = add("user", config["User"])) return err;
  if (has("ExposedPorts"))
    for (const auto& [port, unused] : config["ExposedPorts"].items())
      if (llvm::Error err = add("expose", port)) return err;
  if (has("Labels"))
    for (const auto& [key, value] : config["Labels"].items())
      if (llvm::Error err = add("label", {key, value})) return err;
  if (has("Volumes"))
    for (const auto& [path, unused] : config["Volumes"].items())
      if (llvm::Error err = add("volume", path)) return err;
  if (has("StopSignal"))
    if (llvm::Error err = add("stopsignal", config["StopSignal"])) return err;
  if (has("Shell"))
    if (llvm::Error err = add("shell", config["Shell"])) return err;
  if (has("Healthcheck")) {
    llvm::Expected<std::string> check = Healthcheck(config["Healthcheck"], /*node_form=*/false);
    if (!check) return check.takeError();
    text += *check;
  }
  if (has("Entrypoint"))
    if (llvm::Error err = add("entrypoint", config["Entrypoint"])) return err;
  if (has("Cmd"))
    if (llvm::Error err = add("cmd", config["Cmd"])) return err;
  if (has("OnBuild"))
    for (const nlohmann::json& trigger : config["OnBuild"])
      if (llvm::Error err = add("onbuild", trigger)) return err;
  return text;
}

}  // namespace strata::exporter
