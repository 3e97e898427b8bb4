// `strata graph [-f FILE] [--arg K=V]... [TARGET] [--format text|json|dot]`: print the
// derivation graph of a target (an attribute path; a record of targets prints all of them).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "compiler/driver/graph_cache.h"
#include "compiler/graph/print.h"
#include "runtime/cli/base_images.h"
#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/options.h"
#include "runtime/cli/workspace_targets.h"

namespace strata::cli {

int GraphCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata graph [-f FILE] [--arg K=V]... [TARGET] [--format text|json|dot]\n"
      "       strata graph LABEL|PATTERN... [--format text|json|dot]\n"
      "       strata graph -f Dockerfile [STAGE] [--context DIR] [--build-arg K=V]... "
      "[--build-context N=SPEC]...";
  po::options_description options("strata graph");
  AddProgramOptions(options, /*with_args=*/true);
  AddFrontendOptions(options);
  options.add_options()("format", po::value<std::string>()->default_value("text"),
                        "text, json or dot");
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  std::string format = parsed.values["format"].as<std::string>();
  if (format != "text" && format != "json" && format != "dot")
    throw UsageError{"unknown --format '" + format + "': expected text, json or dot"};
  BuildFlags flags;
  GetFrontendFlags(parsed, flags);
  const std::string& target = flags.target;

  // Creates nothing on disk: no store, no hash cache (FrontendOptionsFor). A Dockerfile's
  // graph is the one `strata build -f` builds: the same pipeline, the same keys.
  RegistryBaseImages base_images(flags.store_dir, /*may_create_store=*/false);
  driver::FrontendOptions frontend_options = FrontendOptionsFor(flags.store_dir, /*writes=*/false);
  frontend_options.base_images = &base_images;
  driver::Frontend frontend(frontend_options);
  // An unchanged program's graph comes from the evaluation cache (docs/eval-cache.md), used
  // when the store has one (a command that writes the store makes it).
  struct stat st;
  std::string cache_dir = flags.store_dir + "/graph-cache";
  driver::GraphCache cache(
      ::stat(cache_dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? cache_dir : std::string(),
      frontend.hasher());
  std::vector<const graph::Node*> nodes;
  if (!flags.labels.empty()) {
    // Labels and patterns: every matching target's graph, roots in label order.
    std::optional<WorkspaceSelection> selection =
        SelectWorkspaceTargets(frontend, ParsePatterns(flags.labels));
    if (!selection) return FinishFrontend(frontend);
    for (const driver::WorkspaceTarget* target : selection->targets) nodes.push_back(target->node);
  } else if (!flags.dockerfile) {
    if (!driver::RunTargetsCached(frontend, cache, frontend_options.lock_policy, flags.input,
                                  SplitTarget(target), nodes))
      return FinishFrontend(frontend);
  } else if (!LowerTarget(flags, frontend, nodes)) {
    return FinishFrontend(frontend);
  }
  if (nodes.empty()) {
    frontend.Error({}, "target '" + target + "' holds no stage or artifact");
    return FinishFrontend(frontend);
  }
  if (format == "text") graph::PrintText(std::cout, nodes);
  if (format == "json") graph::PrintJson(std::cout, nodes);
  if (format == "dot") graph::PrintDot(std::cout, nodes);
  int code = FinishFrontend(frontend);
  // Nothing is left to do but free memory: at 100,000 targets, freeing the graph and the front
  // end object by object took a tenth of the run. The output is flushed and the hash cache
  // saved (what the destructors would do that outlives the process), then the process ends.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  frontend.hasher().Save();
  ::_exit(code);
}

}  // namespace strata::cli
