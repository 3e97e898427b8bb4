// `strata check [-f FILE]`: parse and type-check (a Dockerfile: parse, check and lower); print
// every diagnostic.
#include <iostream>
#include <set>

#include "runtime/cli/base_images.h"
#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/options.h"
#include "runtime/cli/workspace_targets.h"

namespace strata::cli {

int CheckCommand(const std::vector<std::string>& args) {
  po::options_description options("strata check");
  AddProgramOptions(options, /*with_args=*/false);
  AddFrontendOptions(options);
  ParsedCommand parsed = ParseCommand(
      "strata check [-f FILE]\n"
      "       strata check LABEL|PATTERN...\n"
      "       strata check -f Dockerfile [STAGE] [--context DIR] [--build-arg K=V]... "
      "[--build-context N=SPEC]...",
      options, args, 1);
  BuildFlags flags;
  GetFrontendFlags(parsed, flags);
  if (!flags.labels.empty()) {
    // Labels and patterns: check (and evaluate, to find the targets) every package they name;
    // one whose package-cache entry holds was checked without errors with these very inputs.
    driver::Frontend frontend(FrontendOptionsFor(flags.store_dir, /*writes=*/false));
    std::optional<WorkspaceSelection> selection =
        SelectWorkspaceTargets(frontend, ParsePatterns(flags.labels), &flags.store_dir);
    if (selection) {
      std::set<std::string> packages;
      for (const driver::WorkspaceTarget* target : selection->targets)
        packages.insert(target->package);
      std::cout << "checked " << packages.size() << " packages, " << selection->targets.size()
                << " targets\n";
    }
    return FinishFrontend(frontend);
  }
  if (!flags.dockerfile && !parsed.positional.empty())
    throw UsageError{"unexpected argument '" + parsed.positional[0] +
                     "'\nusage: strata check [-f FILE]"};

  // Creates nothing on disk: no store, no hash cache (FrontendOptionsFor).
  RegistryBaseImages base_images(flags.store_dir, /*may_create_store=*/false);
  driver::FrontendOptions frontend_options = FrontendOptionsFor(flags.store_dir, /*writes=*/false);
  frontend_options.base_images = &base_images;
  driver::Frontend frontend(frontend_options);
  // A Dockerfile is checked as a build lowers it: every stage the target needs, with its
  // context; the target is a Stage.
  if (flags.dockerfile) {
    std::vector<const graph::Node*> nodes;
    if (LowerTarget(flags, frontend, nodes)) std::cout << "Stage\n";
    return FinishFrontend(frontend);
  }
  if (frontend.Load(flags.input.file) && frontend.Check()) std::cout << frontend.TypeText() << "\n";
  return FinishFrontend(frontend);
}

}  // namespace strata::cli
