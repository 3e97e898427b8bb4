// Plans RUN: the command (shell, JSON argv or heredoc script), --mount, --network, and the
// ARG values the step sees as environment.
#include <cctype>
#include <functional>
#include <optional>
#include <regex>

#include "compiler/dockerfile/lower_internal.h"
#include "compiler/dockerfile/text_util.h"
#include "compiler/graph/op_params.h"

namespace strata::dockerfile {
namespace {

// Splits a --mount value like encoding/csv: commas separate fields, double quotes group.
std::vector<std::string> SplitCsv(std::string_view text) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      if (quoted && i + 1 < text.size() && text[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// Go's strconv.ParseBool, as BuildKit reads mount options; a key without a value is true.
bool ParseBool(const std::string& value, bool& out) {
  std::string lower = ToLowerAscii(value);
  if (lower.empty() || lower == "true" || lower == "t" || lower == "1") return out = true, true;
  if (lower == "false" || lower == "f" || lower == "0") return out = false, true;
  return false;
}

// Go's strconv.ParseUint(value, base, 32): digits of the base only, no sign, no overflow.
std::optional<uint32_t> ParseUint32(const std::string& value, int base) {
  if (value.empty()) return std::nullopt;
  uint64_t number = 0;
  for (char c : value) {
    if (c < '0' || c >= '0' + base) return std::nullopt;
    number = number * base + static_cast<uint64_t>(c - '0');
    if (number > 0xffffffffu) return std::nullopt;
  }
  return static_cast<uint32_t>(number);
}

// BuildKit runs a RUN whose whole command is one heredoc as a script; `<<EOF cmd` and several
// heredocs go to the shell, which reads the bodies itself.
bool IsHeredocOnly(std::string_view command) {
  static const std::regex kHeredoc(R"(^[0-9]*<<-?\s*(['"]?)[^\s'"]+\1$)");
  std::string trimmed(TrimSpace(command));
  return std::regex_match(trimmed, kHeredoc);
}

}  // namespace

bool Planner::ParseMount(const std::string& spec, size_t current, diag::SourceRange at,
                         PlanStep& step) {
  std::map<std::string, std::string> fields;
  std::vector<std::string> order;
  for (const std::string& field : SplitCsv(spec)) {
    std::string_view f = TrimSpace(field);
    if (f.empty()) continue;
    size_t eq = f.find('=');
    std::string key = ToLowerAscii(f.substr(0, eq));
    fields[key] = eq == std::string_view::npos ? "" : std::string(f.substr(eq + 1));
  }
  auto get = [&](std::initializer_list<const char*> names) -> std::optional<std::string> {
    for (const char* name : names)
      if (auto it = fields.find(name); it != fields.end()) return it->second;
    return std::nullopt;
  };
  // BuildKit's uid, gid and mode options of a cache or secret mount, read as it reads them
  // (ParseUint, base 10 or 8): set(name, number) for each one given; false after reporting a bad
  // one.
  auto owner_and_mode = [&](const std::string& what,
                            const std::function<void(std::string_view, uint32_t)>& set) {
    for (auto [name, base] : {std::pair{"uid", 10}, std::pair{"gid", 10}, std::pair{"mode", 8}}) {
      auto value = get({name});
      if (!value) continue;
      std::optional<uint32_t> number = ParseUint32(*value, base);
      if (!number || (base == 8 && *number > 07777))
        return diags_.Error(at, what + ": invalid " + name + " \"" + *value + "\"" +
                                    (base == 8 ? " (octal)" : "")),
               false;
      set(name, *number);
    }
    return true;
  };
  std::string type = ToLowerAscii(get({"type"}).value_or("bind"));
  std::optional<std::string> target = get({"target", "dst", "destination"});
  if (type == "cache") {
    if (!target || target->empty())
      return diags_.Error(at, "--mount=type=cache needs a target"), false;
    if (get({"from"}) || get({"source", "src"}))
      diags_.Warning(
          at, "--mount=type=cache: from and source are ignored: a Strata cache starts empty");
    if (auto sharing = get({"sharing"});
        sharing && *sharing != "shared" && *sharing != "private" && *sharing != "locked")
      return diags_.Error(at, "--mount=type=cache: sharing is shared, private or locked, not \"" +
                                  *sharing + "\""),
             false;
    // BuildKit's options, read as it reads them (ParseUint, base 10 or 8); a cache whose
    // options are all defaults stays a plain `cache` entry (its key unchanged).
    graph::CacheMount cache;
    cache.target = *target;
    cache.id = get({"id"}).value_or("");
    if (cache.id == cache.target) cache.id.clear();
    if (!owner_and_mode("--mount=type=cache", [&](std::string_view name, uint32_t number) {
          (name == "uid" ? cache.uid : name == "gid" ? cache.gid : cache.mode) = number;
        }))
      return false;
    if (cache.id.empty() && cache.uid == 0 && cache.gid == 0 && cache.mode == 0755)
      step.cache.push_back(*target);
    else
      step.caches.push_back(std::move(cache));
    return true;
  }
  if (type == "tmpfs") {
    if (!target || target->empty())
      return diags_.Error(at, "--mount=type=tmpfs needs a target"), false;
    step.tmpfs.push_back(*target);
    return true;
  }
  if (type == "secret") {
    if (get({"env"}))
      return diags_.Error(
                 at,
                 "--mount=type=secret,env=... is not supported yet: mount the secret as a file"),
             false;
    graph::SecretMount secret;
    secret.id = get({"id"}).value_or("");
    if (secret.id.empty() && target && !target->empty()) {
      std::string clean = CleanSlashPath(*target);
      secret.id = clean.substr(clean.find_last_of('/') + 1);
    }
    if (secret.id.empty())
      return diags_.Error(at, "--mount=type=secret needs an id or a target"), false;
    secret.target = target && !target->empty() ? *target : "/run/secrets/" + secret.id;
    if (std::string problem = graph::SecretMountProblem(secret); !problem.empty())
      return diags_.Error(at, "--mount=type=secret: " + problem), false;
    // BuildKit's owner and mode: uid and gid 0 unless given (not the step's user), mode 0400;
    // read as it reads them (ParseUint, base 10 or 8).
    secret.uid = secret.gid = 0;
    if (!owner_and_mode("--mount=type=secret", [&](std::string_view name, uint32_t number) {
          if (name == "mode")
            secret.mode = number;
          else
            (name == "uid" ? secret.uid : secret.gid) = number;
        }))
      return false;
    // BuildKit's secrets are optional unless `required` is given.
    secret.required = false;
    if (auto required = get({"required"}); required && !ParseBool(*required, secret.required))
      return diags_.Error(at, "--mount=type=secret: required must be true or false, not \"" +
                                  *required + "\""),
             false;
    step.secrets.push_back(secret);
    return true;
  }
  if (type == "ssh")
    return diags_.Error(at,
                        "--mount=type=ssh is not supported: Strata build steps have no network and "
                        "no SSH agent; fetch inputs with ADD --checksum or a pinned image"),
           false;
  if (type != "bind")
    return diags_.Error(
               at, "unknown --mount type \"" + type + "\" (expected bind, cache, tmpfs or secret)"),
           false;
  if (!target || target->empty())
    return diags_.Error(at, "--mount=type=bind needs a target"), false;
  dockerfile::PlanMount mount;
  mount.target = *target;
  std::string source = get({"source", "src"}).value_or("");
  if (auto from = get({"from"}); from && !from->empty()) {
    if (!ResolveFrom(*from, current, at, mount.source)) return false;
  } else {
    mount.source.kind = PlanSource::Kind::kContext;
  }
  // `rw` (or `ro=false`): writable, the writes thrown away after the step (as in BuildKit).
  if (auto rw = get({"rw", "readwrite"}); rw && !ParseBool(*rw, mount.writable))
    return diags_.Error(at, "--mount=type=bind: rw must be true or false, not \"" + *rw + "\""),
           false;
  bool read_only = true;
  if (auto ro = get({"ro", "readonly"})) {
    if (!ParseBool(*ro, read_only))
      return diags_.Error(at, "--mount=type=bind: ro must be true or false, not \"" + *ro + "\""),
             false;
    mount.writable = !read_only;
  }
  bool local = mount.source.kind == PlanSource::Kind::kContext ||
               (mount.source.kind == PlanSource::Kind::kNamedContext &&
                options_.named_contexts.at(mount.source.name).kind == NamedContext::Kind::kLocal);
  std::string clean = CleanSlashPath(source);
  if (local) {
    if (clean[0] == '/') clean = CleanSlashPath(clean.substr(1));
    if (clean == "..") clean = "..";
    if (clean.rfind("..", 0) == 0)
      return diags_.Error(at, "--mount source \"" + source + "\" is outside the build context"),
             false;
    mount.source.path = clean == "." ? "" : clean;
    if (mount.source.kind == PlanSource::Kind::kContext) plan_.uses_context = true;
  } else {
    if (clean[0] != '/') clean = CleanSlashPath("/" + clean);
    mount.source.path = clean;  // a stage's root is still a select of "/": mounts take artifacts
  }
  step.mounts.push_back(std::move(mount));
  return true;
}

void Planner::PlanRun(const ExpandedInstruction& in, StageState& state, StagePlan& stage) {
  const Instruction& source = *in.source;
  PlanStep& step = AddStep(stage, PlanStep::Kind::kRun, in);
  for (const Flag& flag : in.flags) {
    std::string value = flag.value.value_or("");
    if (flag.name == "mount") {
      ParseMount(value, stage.index, flag.range, step);
    } else if (flag.name == "network") {
      std::string mode = ToLowerAscii(value);
      if (mode == "default")
        diags_.Warning(flag.range,
                       "RUN --network=default: Strata build steps have no network, so "
                       "this step runs without one (declare downloads with ADD --checksum)");
      else if (mode != "none")
        diags_.Error(flag.range, "RUN --network=" + value +
                                     " is not supported: Strata build steps "
                                     "have no network");
    } else if (flag.name == "security") {
      if (ToLowerAscii(value) != "sandbox")
        diags_.Error(flag.range,
                     "RUN --security=" + value + " is not supported: steps always run sandboxed");
    }
  }

  if (source.json_form) {
    step.argv_form = true;
    step.argv = in.args;
    if (step.argv.empty()) diags_.Error(source.range, "RUN with an empty JSON array runs nothing");
  } else {
    std::string command = in.args.empty() ? "" : in.args[0];
    if (!source.heredocs.empty()) {
      if (source.heredocs.size() == 1 && IsHeredocOnly(command)) {
        command = source.heredocs[0].Content();
        if (command.rfind("#!", 0) == 0) {
          // BuildKit writes a #! heredoc to a file and runs that: here the file is a text
          // artifact mounted read-only at /dev/pipes/NAME, run by the #! line's interpreter
          // (one optional argument, as the kernel reads it).
          std::string line =
              command.substr(2, command.find('\n') == std::string::npos ? std::string::npos
                                                                        : command.find('\n') - 2);
          size_t start = line.find_first_not_of(" \t");
          size_t end = start == std::string::npos ? start : line.find_first_of(" \t", start);
          if (start == std::string::npos) {
            diags_.Error(source.heredocs[0].range,
                         "the #! line of a RUN heredoc names no interpreter");
            return;
          }
          step.argv_form = true;
          step.argv.push_back(line.substr(start, end - start));
          if (end != std::string::npos) {
            size_t arg = line.find_first_not_of(" \t", end);
            size_t last = line.find_last_not_of(" \t\r");
            if (arg != std::string::npos) step.argv.push_back(line.substr(arg, last + 1 - arg));
          }
          PlanMount script;
          script.source.kind = PlanSource::Kind::kText;
          script.source.name = source.heredocs[0].name;
          script.source.content = command;
          script.target = "/dev/pipes/" + source.heredocs[0].name;
          step.argv.push_back(script.target);
          step.mounts.push_back(std::move(script));
          command.clear();
        }
      } else {
        for (const Heredoc& heredoc : source.heredocs)
          command += "\n" + heredoc.Content() + heredoc.name;
      }
    }
    if (!step.argv_form) step.shell = command;
  }

  // ARGs reach the step as environment, except those an ENV set after them (sorted: the order
  // is the key's). The step's variables win over the image Env at run time.
  if (state.run_env_stale) {
    state.run_env.clear();
    state.run_env_params.clear();
    for (const auto& [name, value] : state.args) {
      if (state.env_names.count(name)) continue;
      state.run_env.push_back(name + "=" + value);
      auto param = state.arg_params.find(name);
      state.run_env_params.push_back(param == state.arg_params.end() ? "" : param->second);
    }
    state.run_env_stale = false;
  }
  step.env = state.run_env;
  step.env_params = state.run_env_params;
}

}  // namespace strata::dockerfile
