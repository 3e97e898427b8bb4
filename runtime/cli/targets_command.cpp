// `strata targets [PATTERN]... [--format text|json]`: the labels of a workspace's targets.
#include <iostream>

#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/options.h"
#include "runtime/cli/workspace_targets.h"

namespace strata::cli {

int TargetsCommand(const std::vector<std::string>& args) {
  po::options_description options("strata targets");
  options.add_options()("format", po::value<std::string>()->default_value("text"), "text or json")(
      "store", po::value<std::string>()->value_name("DIR"), "the store whose caches are read")(
      "stats", po::bool_switch(), "print the package cache's hits on stderr");
  ParsedCommand parsed =
      ParseCommand("strata targets [PATTERN]... [--format text|json]", options, args, 1);
  bool json = JsonFormat(parsed.values["format"].as<std::string>());
  std::vector<std::string> texts =
      parsed.positional.empty() ? std::vector<std::string>{"//..."} : parsed.positional;
  std::vector<driver::LabelPattern> patterns = ParsePatterns(texts);

  // Reads caches, creates nothing (as graph and check).
  driver::Frontend frontend(WorkspaceFrontendOptions(StoreDir(parsed.values)));
  // Unchanged packages come from the store's package cache (docs/cli.md).
  std::string store_dir = StoreDir(parsed.values);
  std::optional<WorkspaceSelection> selection =
      SelectWorkspaceTargets(frontend, patterns, &store_dir);
  if (!selection) return FinishFrontend(frontend);
  std::vector<std::string> labels;
  for (const driver::WorkspaceTarget* target : selection->targets)
    labels.push_back(target->Label());
  PrintLabels(labels, json);
  if (parsed.values["stats"].as<bool>()) PrintCacheStats({selection->cache.get()});
  return FinishFrontend(frontend);
}

}  // namespace strata::cli
