// Plans a Dockerfile's stages: FROM bases, ARG scoping, stage references (config
// instructions: lower_config.cpp).
#include <algorithm>
#include <cctype>

#include "compiler/dockerfile/lower_internal.h"
#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {
namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// What containerd's platforms.Parse accepts (BuildKit refuses the rest): one to three
// '/'-separated non-empty components of letters, digits, '_' and '-' (empty after expansion:
// no platform, which BuildKit skips too).
bool ValidPlatform(const std::string& platform) {
  if (platform.empty()) return true;
  size_t parts = 1;
  bool empty = true;
  for (char c : platform) {
    if (c == '/') {
      if (empty) return false;
      ++parts;
      empty = true;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
      empty = false;
    } else {
      return false;
    }
  }
  return !empty && parts <= 3;
}

}  // namespace

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool HasGlob(std::string_view word) { return word.find_first_of("*?[") != std::string_view::npos; }

std::optional<std::string> SimpleTemplate(std::string_view raw,
                                          const std::set<std::string>& allowed) {
  bool any = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' || c == '"' || c == '\'' || c == '`') return std::nullopt;
    if (c != '$') continue;
    size_t begin = i + 1;
    bool braced = begin < raw.size() && raw[begin] == '{';
    if (braced) ++begin;
    size_t end = begin;
    while (end < raw.size() && IsNameChar(raw[end])) ++end;
    if (end == begin || std::isdigit(static_cast<unsigned char>(raw[begin]))) return std::nullopt;
    if (braced && (end >= raw.size() || raw[end] != '}')) return std::nullopt;
    if (!allowed.count(std::string(raw.substr(begin, end - begin)))) return std::nullopt;
    any = true;
    i = braced ? end : end - 1;
  }
  if (!any) return std::nullopt;
  return std::string(raw);
}

Planner::Planner(const Dockerfile& dockerfile, const PlanOptions& options,
                 diag::DiagnosticEngine& diags)
    : dockerfile_(dockerfile), options_(options), diags_(diags) {}

std::optional<DockerfilePlan> Planner::Run() {
  size_t errors_before = diags_.error_count();
  ExpandOptions expand_options;
  expand_options.build_args = options_.build_args;
  expand_options.target_platform = options_.target_platform;
  expand_options.base_image_env = options_.base_image_env;
  expanded_ = ExpandDockerfile(dockerfile_, expand_options, diags_);
  if (!expanded_) return std::nullopt;
  if (expanded_->stages.empty()) {
    diags_.Error({dockerfile_.file, 0, 0}, "the Dockerfile has no FROM: nothing to build");
    return std::nullopt;
  }

  ShellEnv predefined = PredefinedArgs(expand_options);
  for (const ExpandedInstruction& in : expanded_->global_instructions)
    for (const KeyValue& kv : in.pairs) {
      if (predefined.count(kv.key) || param_names_.count(kv.key)) continue;
      param_names_.insert(kv.key);
      auto value = expanded_->global_args.find(kv.key);
      plan_.params.push_back({kv.key, value == expanded_->global_args.end() ? "" : value->second});
    }

  size_t count = expanded_->stages.size();
  plan_.stages.resize(count);
  plan_.needed.assign(count, false);
  status_.assign(count, 0);
  final_states_.resize(count);
  plan_.target = count - 1;
  if (!options_.target.empty()) {
    std::string wanted = ToLowerAscii(options_.target);
    std::optional<size_t> found;
    for (const ExpandedStage& stage : expanded_->stages)
      if (!stage.name.empty() && stage.name == wanted) found = stage.index;
    if (!found && AllDigits(wanted) && wanted.size() < 9 && std::stoul(wanted) < count)
      found = std::stoul(wanted);
    if (!found) {
      std::string names;
      for (const ExpandedStage& stage : expanded_->stages)
        if (!stage.name.empty()) names += (names.empty() ? "" : ", ") + stage.name;
      diags_.Error(
          {dockerfile_.file, 0, 0},
          "target stage \"" + options_.target + "\" could not be found" +
              (names.empty() ? std::string(" (no stage is named)") : "; stages: " + names));
      return std::nullopt;
    }
    plan_.target = *found;
  }
  PlanStage(plan_.target);
  if (options_.all_stages)
    for (size_t i = 0; i < count; ++i) PlanStage(i);
  plan_.named_contexts_used.assign(used_named_.begin(), used_named_.end());
  if (diags_.error_count() > errors_before) return std::nullopt;
  return std::move(plan_);
}

void Planner::PlanStage(size_t index) {
  if (status_[index] != 0) return;  // stage references only go backwards: no cycles
  status_[index] = 1;
  plan_.needed[index] = true;
  const ExpandedStage& expanded = expanded_->stages[index];
  StagePlan& stage = plan_.stages[index];
  stage.index = index;
  stage.name = expanded.name;
  stage.from = expanded.from;
  StageState state;

  std::string lower = ToLowerAscii(expanded.base);
  if (expanded.base_stage) {
    PlanStage(*expanded.base_stage);
    stage.base.kind = PlanSource::Kind::kStage;
    stage.base.stage = *expanded.base_stage;
    const StageState& base = final_states_[*expanded.base_stage];
    state.shell = base.shell;
    state.may_have_cmd = base.may_have_cmd;
    state.user = base.user;
    state.workdir = base.workdir;
    state.args = base.args;  // BuildKit copies the base stage's build args
    state.arg_params = base.arg_params;
    for (const auto& [key, value] : expanded_->stages[*expanded.base_stage].env)
      state.env_names.insert(key);
  } else if (auto named = options_.named_contexts.find(expanded.base);
             named != options_.named_contexts.end()) {
    if (named->second.kind != NamedContext::Kind::kImage)
      diags_.Error(expanded.from->args[0].range,
                   "build context \"" + expanded.base +
                       "\" is a directory, not an image: FROM needs an image");
    stage.base.kind = PlanSource::Kind::kNamedContext;
    stage.base.name = expanded.base;
    used_named_.insert(expanded.base);
    InheritBaseDefaults(expanded, state, stage);
  } else if (lower == "scratch") {
    stage.base.kind = PlanSource::Kind::kScratch;
    state.may_have_cmd = false;
    // BuildKit's empty image is not an empty config: Env holds the default PATH and
    // WorkingDir is "/". Two config steps of the FROM say so.
    ExpandedInstruction from;
    from.source = expanded.from;
    AddConfig(stage, from, "env", nlohmann::json::array({"PATH", kDefaultPathEnv}));
    AddConfig(stage, from, "workdir", "/");
    state.env_names.insert("PATH");
    state.run_env_stale = true;
  } else {
    stage.base.kind = PlanSource::Kind::kImage;
    stage.base.name = expanded.base;
    if (expanded.base.empty())
      diags_.Error(expanded.from->range, "FROM names no image after expansion");
    if (!expanded.from->args.empty())
      if (auto t = SimpleTemplate(expanded.from->args[0].value, param_names_))
        stage.base_template = *t;
    InheritBaseDefaults(expanded, state, stage);
  }
  if (expanded.platform && !ValidPlatform(*expanded.platform))
    diags_.Error(expanded.from->range,
                 "failed to parse platform " + *expanded.platform +
                     ": expected os[/arch[/variant]] (letters, digits, '_' and '-')");
  else if (expanded.platform && *expanded.platform != options_.target_platform)
    diags_.Warning(expanded.from->range, "FROM --platform=" + *expanded.platform +
                                             " is ignored: Strata builds for " +
                                             options_.target_platform);

  for (const ExpandedInstruction& in : expanded.instructions) PlanInstruction(in, state, stage);
  final_states_[index] = state;
  status_[index] = 2;
}

PlanStep& Planner::AddStep(StagePlan& stage, PlanStep::Kind kind, const ExpandedInstruction& in) {
  PlanStep step;
  step.kind = kind;
  step.instruction = in.source;
  step.first_of_instruction = current_ != in.source;
  current_ = in.source;
  stage.steps.push_back(std::move(step));
  return stage.steps.back();
}

void Planner::AddConfig(StagePlan& stage, const ExpandedInstruction& in, std::string field,
                        nlohmann::json value) {
  PlanStep& step = AddStep(stage, PlanStep::Kind::kConfig, in);
  step.field = std::move(field);
  step.value = std::move(value);
}

void Planner::PlanInstruction(const ExpandedInstruction& in, StageState& state, StagePlan& stage) {
  switch (in.source->kind) {
    case InstructionKind::kArg:
      PlanArg(in, state);
      return;
    case InstructionKind::kRun:
      PlanRun(in, state, stage);
      return;
    case InstructionKind::kCopy:
    case InstructionKind::kAdd:
      PlanCopy(in, stage);
      return;
    default:
      PlanConfig(in, state, stage);
      return;
  }
}

void Planner::PlanArg(const ExpandedInstruction& in, StageState& state) {
  state.run_env_stale = true;
  for (size_t i = 0; i < in.pairs.size(); ++i) {
    const KeyValue& kv = in.pairs[i];
    bool bare =
        i < in.source->args.size() && in.source->args[i].value.find('=') == std::string::npos;
    if (!kv.value) continue;  // a bare `ARG x` keeps the value x has (BuildKit)
    state.args[kv.key] = *kv.value;
    // The later of an ENV and an ARG of one name is what a RUN sees (BuildKit sets both in
    // the build state's env): the step's variable wins over the image Env.
    state.env_names.erase(kv.key);
    // A bare re-declaration of a global ARG takes the global value: in a translation, the
    // parameter of the same name.
    if (bare && param_names_.count(kv.key))
      state.arg_params[kv.key] = kv.key;
    else
      state.arg_params.erase(kv.key);
  }
}

bool Planner::ResolveFrom(const std::string& from, size_t current, diag::SourceRange at,
                          PlanSource& out) {
  std::string lower = ToLowerAscii(from);
  if (current < expanded_->stages.size() && !expanded_->stages[current].name.empty() &&
      expanded_->stages[current].name == lower) {
    diags_.Error(at, "circular dependency detected on stage: " + lower);  // BuildKit's words
    return false;
  }
  for (size_t i = 0; i < current; ++i)
    if (!expanded_->stages[i].name.empty() && expanded_->stages[i].name == lower) {
      PlanStage(i);
      out.kind = PlanSource::Kind::kStage;
      out.stage = i;
      return true;
    }
  // BuildKit 20.10 takes a later stage as it is before its instructions (its base alone) —
  // almost never what was meant; Strata refuses it rather than copy that (docs/dockerfile.md).
  for (size_t i = current + 1; i < expanded_->stages.size(); ++i)
    if (!expanded_->stages[i].name.empty() && expanded_->stages[i].name == lower) {
      diags_.Error(at, "--from=" + from + " names a later stage (stage " + std::to_string(i) +
                           "): a stage can only copy from an earlier one; move it up");
      return false;
    }
  if (AllDigits(from)) {
    if (from.size() > 9 || std::stoul(from) >= current) {
      diags_.Error(at, "invalid stage index " + from + ": it must name an earlier stage (0 to " +
                           std::to_string(current == 0 ? 0 : current - 1) + ")");
      return false;
    }
    PlanStage(std::stoul(from));
    out.kind = PlanSource::Kind::kStage;
    out.stage = std::stoul(from);
    return true;
  }
  if (options_.named_contexts.count(from)) {
    out.kind = PlanSource::Kind::kNamedContext;
    out.name = from;
    used_named_.insert(from);
    return true;
  }
  if (from.empty()) {
    diags_.Error(at, "--from needs a stage, a build context or an image");
    return false;
  }
  out.kind = lower == "scratch" ? PlanSource::Kind::kScratch : PlanSource::Kind::kImage;
  out.name = from;
  return true;
}

std::optional<DockerfilePlan> PlanDockerfile(const Dockerfile& dockerfile,
                                             const PlanOptions& options,
                                             diag::DiagnosticEngine& diags) {
  return Planner(dockerfile, options, diags).Run();
}

}  // namespace strata::dockerfile
