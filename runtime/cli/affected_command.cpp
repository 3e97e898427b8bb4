// `strata affected --since REV [PATTERN]...`: the targets whose derivation keys differ between
// git revision REV and the working tree, sorted. Nothing is built: both revisions are
// evaluated (REV's files read into a temporary directory with git plumbing; unchanged packages
// at either revision come from the package cache), and a target is affected when its key
// differs or it did not exist at REV.
#include <iostream>
#include <map>

#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/git_snapshot.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/options.h"
#include "runtime/cli/workspace_targets.h"

namespace strata::cli {

int AffectedCommand(const std::vector<std::string>& args) {
  const std::string usage = "strata affected --since REV [PATTERN]... [--format text|json]";
  po::options_description options("strata affected");
  options.add_options()("since", po::value<std::string>()->value_name("REV"),
                        "the git revision to compare with")(
      "format", po::value<std::string>()->default_value("text"), "text or json")(
      "store", po::value<std::string>()->value_name("DIR"), "the store whose caches are read")(
      "stats", po::bool_switch(), "print the package cache's hits on stderr");
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  if (!parsed.values.count("since")) throw UsageError{"--since REV is required\nusage: " + usage};
  std::string rev = parsed.values["since"].as<std::string>();
  bool json = JsonFormat(parsed.values["format"].as<std::string>());
  std::vector<std::string> texts =
      parsed.positional.empty() ? std::vector<std::string>{"//..."} : parsed.positional;
  std::vector<driver::LabelPattern> patterns = ParsePatterns(texts);

  // The working tree: every error is the user's to fix first.
  driver::Frontend frontend(FrontendOptionsFor(StoreDir(parsed.values), /*writes=*/false));
  std::string store_dir = StoreDir(parsed.values);
  std::optional<WorkspaceSelection> selection =
      SelectWorkspaceTargets(frontend, patterns, &store_dir);
  if (!selection) return FinishFrontend(frontend);
  const std::vector<const driver::WorkspaceTarget*>& targets = selection->targets;

  llvm::Expected<GitSnapshot> snapshot = GitSnapshot::Extract(selection->workspace->root(), rev);
  if (!snapshot) {
    frontend.Error({}, "--since " + rev + ": " + llvm::toString(snapshot.takeError()));
    return FinishFrontend(frontend);
  }
  // REV: its own front end (in-memory hashes; its paths are temporary). A package that does
  // not exist or evaluate there has no keys, so its targets count as affected.
  driver::Frontend before_frontend(driver::FrontendOptions{});
  std::map<std::string, std::string> before;  // label → key
  std::unique_ptr<driver::PackageCache> before_cache;
  if (before_frontend.OpenWorkspace(snapshot->dir())) {
    driver::WorkspacePackages before_workspace(before_frontend, snapshot->dir());
    // Entries hold paths relative to the root, so REV's unchanged packages hit the entries
    // the working tree (or an earlier run) wrote.
    before_cache = OpenPackageCache(store_dir, snapshot->dir(), before_frontend);
    before_workspace.UseCache(before_cache.get());
    std::set<std::string> wanted;
    for (const driver::WorkspaceTarget* target : targets) wanted.insert(target->package);
    for (const std::string& package : wanted) {
      if (!before_workspace.Exists(package)) continue;
      if (!before_workspace.Load(driver::LabelPattern{package, "default", false, false}))
        std::cerr << "strata: note: //" << package << " does not evaluate at " << rev
                  << "; its targets count as affected\n";
    }
    for (const auto& [label, target] : before_workspace.targets()) before[label] = target.key;
  }
  std::vector<std::string> affected;
  for (const driver::WorkspaceTarget* target : targets) {
    auto it = before.find(target->Label());
    if (it == before.end() || it->second != target->key) affected.push_back(target->Label());
  }
  PrintLabels(affected, json);
  if (parsed.values["stats"].as<bool>())
    PrintCacheStats({selection->cache.get(), before_cache.get()});
  return FinishFrontend(frontend);
}

}  // namespace strata::cli
