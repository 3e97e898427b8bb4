// The planner's internals, shared by lower_planner.cpp (stages, --from), lower_config.cpp
// (config instructions), lower_run.cpp (RUN) and lower_copy.cpp (COPY, ADD). Not part of the
// public API.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/dockerfile/lower_plan.h"
#include "compiler/support/slash_path.h"

namespace strata::dockerfile {

// True for a non-empty run of ASCII digits.
bool AllDigits(std::string_view s);
// Go's path.Clean for '/'-separated paths ("" becomes "."), from the base library.
using support::CleanSlashPath;
// True when the word has glob characters (`*`, `?`, `[`).
bool HasGlob(std::string_view word);
// The raw word if it is plain text plus `$NAME` / `${NAME}` references to `allowed` names
// (and holds at least one); nullopt otherwise (quotes, escapes, modifiers, other names).
std::optional<std::string> SimpleTemplate(std::string_view raw,
                                          const std::set<std::string>& allowed);

class Planner {
 public:
  Planner(const Dockerfile& dockerfile, const PlanOptions& options, diag::DiagnosticEngine& diags);
  std::optional<DockerfilePlan> Run();

 private:
  // What a stage's walk knows at each instruction; the final state is inherited by stages
  // built on this one (shell and CMD; ENV comes from ExpandedStage::env).
  struct StageState {
    std::map<std::string, std::string> args;        // ARGs in scope that have a value
    std::map<std::string, std::string> arg_params;  // ARG -> the global ARG it re-declares
    std::set<std::string> env_names;  // set last by an ENV (here or in a base): not a RUN's ARG
    std::vector<std::string> shell{"/bin/sh", "-c"};
    bool cmd_set = false;       // CMD given in this stage
    bool may_have_cmd = true;   // the image may carry a CMD (an external base could)
    std::string user;           // USER in effect ("" for root): owns what WORKDIR creates
    std::string workdir = "/";  // WorkingDir in effect, absolute: a relative WORKDIR joins it
    // The ARG environment a RUN sees (PlanStep::env and env_params), built again only after
    // an ARG or ENV changed it: consecutive RUNs share it, and a stage with many ARGs and
    // RUNs would otherwise rebuild it for each RUN.
    bool run_env_stale = true;
    std::vector<std::string> run_env, run_env_params;
  };

  void PlanStage(size_t index);
  void PlanInstruction(const ExpandedInstruction& in, StageState& state, StagePlan& stage);
  void PlanArg(const ExpandedInstruction& in, StageState& state);
  void PlanRun(const ExpandedInstruction& in, StageState& state, StagePlan& stage);
  void PlanCopy(const ExpandedInstruction& in, StagePlan& stage);
  void MakeDestDir(const ExpandedInstruction& in, std::string dest, const std::string& chown,
                   StagePlan& stage);
  void PlanConfig(const ExpandedInstruction& in, StageState& state, StagePlan& stage);
  void PlanHealthcheck(const ExpandedInstruction& in, StagePlan& stage);
  void InheritBaseDefaults(const ExpandedStage& expanded, StageState& state, StagePlan& stage);
  void PlanWorkdir(const ExpandedInstruction& in, StageState& state, StagePlan& stage);

  // Resolves `--from=X` (a stage name, an earlier stage's index, a named context, else an
  // image reference), planning the stage it names. False after reporting an error.
  bool ResolveFrom(const std::string& from, size_t current, diag::SourceRange at, PlanSource& out);
  // Context sources: the matching paths relative to the context root (globs expanded,
  // .dockerignore applied). Reports and returns false for a missing source.
  bool ExpandContextSource(const std::string& source, const std::string& host_dir,
                           const std::vector<std::string>& exclude, diag::SourceRange at,
                           std::vector<std::string>& out);
  // Parses one `--mount=...` into the step; false after an error.
  bool ParseMount(const std::string& spec, size_t current, diag::SourceRange at, PlanStep& step);

  PlanStep& AddStep(StagePlan& stage, PlanStep::Kind kind, const ExpandedInstruction& in);
  void AddConfig(StagePlan& stage, const ExpandedInstruction& in, std::string field,
                 nlohmann::json value);

  const Dockerfile& dockerfile_;
  const PlanOptions& options_;
  diag::DiagnosticEngine& diags_;
  std::optional<ExpandedDockerfile> expanded_;
  DockerfilePlan plan_;
  std::vector<int> status_;  // 0 not planned, 1 planning, 2 planned
  std::vector<StageState> final_states_;
  std::set<std::string> param_names_;
  std::set<std::string> used_named_;
  // ExpandContextSource's answers by context ("c"/"n" + host dir) and source: the same file
  // copied again is looked up on disk once (lstat, .dockerignore, globs).
  std::map<std::string, std::vector<std::string>> context_matches_;
  const Instruction* current_ = nullptr;
};

}  // namespace strata::dockerfile
