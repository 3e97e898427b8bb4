// Plans a Dockerfile's config instructions (ENV, LABEL, EXPOSE, USER, WORKDIR, CMD, ...) and
// what a stage inherits from an external base's config, as BuildKit writes them.
#include <algorithm>

#include "compiler/dockerfile/lower_internal.h"
#include "compiler/dockerfile/text_util.h"
#include "compiler/graph/stop_signal.h"

namespace strata::dockerfile {
namespace {

// The command as an image config stores a shell-form CMD/ENTRYPOINT: the SHELL plus the text.
nlohmann::json ShellOrArgv(const ExpandedInstruction& in, const std::vector<std::string>& shell) {
  if (in.source->json_form) return nlohmann::json(in.args);
  std::vector<std::string> argv = shell;
  argv.push_back(in.args.empty() ? "" : in.args[0]);
  return nlohmann::json(argv);
}

}  // namespace

void Planner::PlanConfig(const ExpandedInstruction& in, StageState& state, StagePlan& stage) {
  const Instruction& source = *in.source;
  auto first = [&]() { return in.args.empty() ? std::string() : in.args[0]; };
  switch (source.kind) {
    case InstructionKind::kEnv:
      for (const KeyValue& kv : in.pairs) {
        AddConfig(stage, in, "env", nlohmann::json::array({kv.key, kv.value.value_or("")}));
        state.env_names.insert(kv.key);
        state.run_env_stale = true;
      }
      return;
    case InstructionKind::kLabel:
      for (const KeyValue& kv : in.pairs)
        AddConfig(stage, in, "label", nlohmann::json::array({kv.key, kv.value.value_or("")}));
      return;
    case InstructionKind::kExpose:
      for (std::string port : in.args) {
        size_t slash = port.find('/');
        std::string number = port.substr(0, slash);
        std::string proto =
            slash == std::string::npos ? "tcp" : ToLowerAscii(port.substr(slash + 1));
        size_t dash = number.find('-');
        bool ok = proto == "tcp" || proto == "udp" || proto == "sctp";
        for (const std::string& part :
             {number.substr(0, dash), dash == std::string::npos ? number : number.substr(dash + 1)})
          ok = ok && AllDigits(part) && part.size() <= 5 && std::stoul(part) >= 1 &&
               std::stoul(part) <= 65535;
        if (!ok) {
          diags_.Error(source.range,
                       "invalid port in EXPOSE: \"" + port + "\" (expected PORT[/tcp|udp|sctp])");
          continue;
        }
        if (dash == std::string::npos) {
          AddConfig(stage, in, "expose", number + "/" + proto);
          continue;
        }
        // BuildKit writes a range as one ExposedPorts entry per port (`8000-8002` → 8000, 8001,
        // 8002); a reversed range is refused as it refuses it.
        unsigned long low = std::stoul(number.substr(0, dash)),
                      high = std::stoul(number.substr(dash + 1));
        if (high < low) {
          diags_.Error(source.range,
                       "invalid port range in EXPOSE: \"" + port + "\" (end before start)");
          continue;
        }
        for (unsigned long p = low; p <= high; ++p)
          AddConfig(stage, in, "expose", std::to_string(p) + "/" + proto);
      }
      return;
    case InstructionKind::kUser:
      AddConfig(stage, in, "user", first());
      state.user = first();
      return;
    case InstructionKind::kWorkdir:
      PlanWorkdir(in, state, stage);
      return;
    case InstructionKind::kVolume:
      for (const std::string& volume : in.args)
        if (!volume.empty()) AddConfig(stage, in, "volume", volume);
      return;
    case InstructionKind::kStopSignal:
      // As BuildKit (signal.ParseSignal): dockerd and podman refuse an image whose StopSignal
      // is not a signal.
      if (!graph::IsStopSignal(first())) {
        diags_.Error(source.range, "failed to process \"STOPSIGNAL " + first() +
                                       "\": invalid signal (a name such as SIGTERM or TERM, or "
                                       "a number from 1)");
        return;
      }
      AddConfig(stage, in, "stopsignal", first());
      return;
    case InstructionKind::kHealthcheck:
      PlanHealthcheck(in, stage);
      return;
    case InstructionKind::kCmd:
      AddConfig(stage, in, "cmd", ShellOrArgv(in, state.shell));
      state.cmd_set = true;
      state.may_have_cmd = true;
      return;
    case InstructionKind::kEntrypoint:
      AddConfig(stage, in, "entrypoint", ShellOrArgv(in, state.shell));
      // As in BuildKit: ENTRYPOINT drops a CMD inherited from the base, not one set here.
      if (!state.cmd_set && state.may_have_cmd) {
        AddConfig(stage, in, "cmd", nlohmann::json::array());
        state.may_have_cmd = false;
      }
      return;
    case InstructionKind::kShell:
      state.shell = in.args;
      AddConfig(stage, in, "shell", nlohmann::json(in.args));
      return;
    case InstructionKind::kOnbuild: {
      // The trigger as written after ONBUILD, as Docker stores it.
      std::string_view text = TrimSpace(source.original);
      text = TrimLeftSpace(text.substr(std::min(text.size(), source.name.size())));
      AddConfig(stage, in, "onbuild", std::string(text));
      return;
    }
    case InstructionKind::kMaintainer:
      diags_.Warning(source.name_range,
                     "MAINTAINER is not recorded in the image: use LABEL "
                     "org.opencontainers.image.authors=\"...\"");
      return;
    default:
      diags_.Error(source.name_range, "cannot lower " + source.name + " here");
      return;
  }
}

// An external base's User and WorkingDir start the stage's state; a base whose Env has no
// PATH gets BuildKit's default, as a config step of the FROM (as for scratch).
void Planner::InheritBaseDefaults(const ExpandedStage& expanded, StageState& state,
                                  StagePlan& stage) {
  if (!options_.base_image_defaults) return;
  std::optional<BaseImageDefaults> defaults = options_.base_image_defaults(expanded.base);
  if (!defaults) return;
  state.user = defaults->user;
  if (!defaults->workdir.empty()) state.workdir = CleanSlashPath("/" + defaults->workdir);
  if (!defaults->has_path) {
    ExpandedInstruction from;
    from.source = expanded.from;
    AddConfig(stage, from, "env", nlohmann::json::array({"PATH", kDefaultPathEnv}));
    state.env_names.insert("PATH");
    state.run_env_stale = true;
  }
}

// WORKDIR as BuildKit does it: the config keeps an absolute path as written (a relative one is
// joined to the WorkingDir by the config fold), and the directory is made in a layer, with
// its missing parents, owned by the USER in effect (`mkdir -p` + chown of what it creates:
// existing directories keep their owner and mode). No layer for `/`. The directory is a
// copy of scratch's empty root, which makes the missing directories with mode 0755.
void Planner::PlanWorkdir(const ExpandedInstruction& in, StageState& state, StagePlan& stage) {
  std::string wd = in.args.empty() ? std::string() : in.args[0];
  AddConfig(stage, in, "workdir", wd);
  std::string dir = CleanSlashPath(!wd.empty() && wd[0] == '/' ? wd : state.workdir + "/" + wd);
  state.workdir = dir;
  if (dir == "/") return;
  PlanStep& step = AddStep(stage, PlanStep::Kind::kCopy, in);
  step.source.kind = PlanSource::Kind::kScratch;
  step.source.path = "/";
  step.dest = dir;
  step.copy.chown = state.user;
}

void Planner::PlanHealthcheck(const ExpandedInstruction& in, StagePlan& stage) {
  const Instruction& source = *in.source;
  nlohmann::json value = nlohmann::json::object();
  std::string type = source.args.empty() ? "NONE" : ToLowerAscii(source.args[0].value);
  if (type == "none") {
    value["test"] = nlohmann::json::array({"NONE"});
    AddConfig(stage, in, "healthcheck", std::move(value));
    return;
  }
  std::vector<std::string> command;
  for (size_t i = 1; i < source.args.size(); ++i) command.push_back(source.args[i].value);
  if (source.json_form) {
    command.insert(command.begin(), "CMD");
    value["test"] = command;
  } else {
    value["test"] = nlohmann::json::array({"CMD-SHELL", command.empty() ? "" : command[0]});
  }
  for (auto [flag, key] :
       {std::pair{"interval", "interval"}, std::pair{"timeout", "timeout"},
        std::pair{"start-period", "start_period"}, std::pair{"start-interval", "start_interval"}})
    if (const Flag* f = source.FindFlag(flag); f && f->value && !f->value->empty())
      value[key] = *f->value;
  if (const Flag* f = source.FindFlag("retries"); f && f->value && !f->value->empty()) {
    if (!AllDigits(*f->value) || f->value->size() > 9) {
      diags_.Error(f->range, "--retries must be a non-negative integer, not \"" + *f->value + "\"");
      return;
    }
    value["retries"] = std::stoll(*f->value);
  }
  AddConfig(stage, in, "healthcheck", std::move(value));
}

}  // namespace strata::dockerfile
