// Makes graph nodes from a lowering plan (compiler/driver/dockerfile_pipeline.cpp reads the file).
#include "compiler/dockerfile/lower.h"

#include <algorithm>
#include <functional>
#include <map>

#include "compiler/dockerfile/lower_plan.h"
#include "compiler/dockerfile/text_util.h"
#include "compiler/graph/ops.h"
#include "compiler/graph/select.h"

namespace strata::dockerfile {
namespace {

std::string ParamString(const graph::Node* node, std::string_view name) {
  const nlohmann::json* value = node ? node->Find(name) : nullptr;
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

std::vector<std::string> ParamStrings(const graph::Node* node, std::string_view name) {
  const nlohmann::json* value = node ? node->Find(name) : nullptr;
  std::vector<std::string> out;
  if (value && value->is_array())
    for (const auto& item : *value)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

class NodeBuilder {
 public:
  NodeBuilder(const DockerfilePlan& plan, const LowerOptions& options, graph::Graph& graph,
              diag::DiagnosticEngine& diags)
      : plan_(plan),
        options_(options),
        graph_(graph),
        diags_(diags),
        stages_(plan.stages.size(), nullptr) {}

  const graph::Node* Stage(size_t index) {
    if (stages_[index]) return stages_[index];
    const StagePlan& stage = plan_.stages[index];
    const graph::Node* node =
        Base(stage.base, stage.from ? stage.from->range : diag::SourceRange{});
    for (const PlanStep& step : stage.steps) node = Step(node, step);
    return stages_[index] = node;
  }

 private:
  const graph::Node* Pull(const std::string& ref, diag::SourceRange at) {
    std::string digest = options_.pin_image ? options_.pin_image(ref, at) : "";
    return graph::MakePull(graph_, ref, digest, at);
  }

  const graph::Node* Base(const PlanSource& base, diag::SourceRange at) {
    switch (base.kind) {
      case PlanSource::Kind::kStage:
        return Stage(base.stage);
      case PlanSource::Kind::kNamedContext:
        return options_.build_contexts.at(base.name);
      case PlanSource::Kind::kImage:
        return Pull(base.name, at);
      default:
        return graph::MakeScratch(graph_);
    }
  }

  const graph::Node* Source(const PlanSource& source, diag::SourceRange at) {
    const graph::Node* node = nullptr;
    switch (source.kind) {
      case PlanSource::Kind::kFetch:
        return graph::MakeFetch(graph_, source.name, source.sha256, at);
      case PlanSource::Kind::kText:
        return graph::MakeText(graph_, source.name, source.content, at);
      case PlanSource::Kind::kContext:
        node = options_.context;
        break;
      default:
        node = Base(source, at);
        break;
    }
    if (source.path.empty()) return node;
    if (!options_.hasher) return graph::MakeSelect(graph_, node, source.path, at);
    // SelectPath walks the host path (an lstat per component) and hashes it: once per path.
    auto [known, added] = selected_.try_emplace({node, source.path}, nullptr);
    if (!added) return known->second;
    std::string error;
    const graph::Node* selected =
        graph::SelectPath(graph_, *options_.hasher, node, source.path, at, error);
    if (!selected) {
      diags_.Error(at, error);
      selected_.erase(known);  // each COPY naming it reports it
    }
    return selected ? known->second = selected : graph::MakeSelect(graph_, node, source.path, at);
  }

  const graph::Node* Step(const graph::Node* stage, const PlanStep& step) {
    diag::SourceRange at = step.instruction ? step.instruction->range : diag::SourceRange{};
    switch (step.kind) {
      case PlanStep::Kind::kRun: {
        graph::ExecOptions exec;
        exec.cache = step.cache;
        exec.caches = step.caches;
        exec.secrets = step.secrets;
        for (const PlanMount& mount : step.mounts)
          exec.mounts.push_back({Source(mount.source, at), mount.target, mount.writable});
        exec.tmpfs = step.tmpfs;
        exec.env = step.env;
        return step.argv_form ? graph::MakeExecArgv(graph_, stage, step.argv, exec, at)
                              : graph::MakeExecShell(graph_, stage, step.shell, exec, at);
      }
      case PlanStep::Kind::kCopy:
        return graph::MakeCopy(graph_, stage, Source(step.source, at), step.dest, step.copy, at);
      case PlanStep::Kind::kConfig:
        return graph::MakeConfig(graph_, stage, step.field, step.value, at);
    }
    return stage;
  }

  const DockerfilePlan& plan_;
  const LowerOptions& options_;
  graph::Graph& graph_;
  diag::DiagnosticEngine& diags_;
  std::vector<const graph::Node*> stages_;
  std::map<std::pair<const graph::Node*, std::string>, const graph::Node*> selected_;
};

}  // namespace

const graph::Node* LowerDockerfile(const Dockerfile& dockerfile, const LowerOptions& options,
                                   graph::Graph& graph, diag::DiagnosticEngine& diags) {
  PlanOptions plan_options;
  plan_options.build_args = options.build_args;
  plan_options.target = options.target;
  plan_options.target_platform = options.target_platform;
  plan_options.base_image_env = options.base_image_env;
  plan_options.base_image_defaults = options.base_image_defaults;
  if (options.context) {
    plan_options.context_dir = ParamString(options.context, "path");
    plan_options.context_exclude = ParamStrings(options.context, "exclude");
  }
  for (const auto& [name, node] : options.build_contexts) {
    NamedContext named;
    named.kind = graph::IsStage(node) ? NamedContext::Kind::kImage : NamedContext::Kind::kLocal;
    named.host_dir = ParamString(node, "path");
    plan_options.named_contexts[name] = named;
  }
  std::optional<DockerfilePlan> plan = PlanDockerfile(dockerfile, plan_options, diags);
  if (!plan) return nullptr;
  return NodeBuilder(*plan, options, graph, diags).Stage(plan->target);
}

BuildContextSpec ParseBuildContextSpec(const std::string& spec) {
  BuildContextSpec out;
  if (spec.rfind("docker-image://", 0) == 0) {
    out.kind = BuildContextSpec::Kind::kImage;
    out.location = spec.substr(15);
  } else if (spec.rfind("oci-layout://", 0) == 0) {
    out.kind = BuildContextSpec::Kind::kOciLayout;
    out.location = spec.substr(13);
    // DIR[:TAG] (or DIR@sha256:...): a colon after the last slash starts the tag.
    size_t colon = out.location.find_last_of(":@");
    size_t slash = out.location.find_last_of('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
      out.tag = out.location.substr(colon + 1);
      out.location.resize(colon);
    }
  } else {
    out.location = spec.rfind("local:", 0) == 0 ? spec.substr(6) : spec;
  }
  return out;
}

}  // namespace strata::dockerfile
