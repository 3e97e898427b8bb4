// `strata query deps LABEL` and `strata query rdeps LABEL [--within PATTERN]`: what a target or
// library package depends on, and what depends on it, as labels.
//
// For a target, dependencies are exact: the targets whose node is in its derivation graph. A
// library package (`//libs/base`, a package whose value holds no stage) has no node; its
// dependants are the packages that import it, directly or through other packages. Unchanged
// packages come from the store's package cache, which keeps each package's stage graph
// (stage_graph.h), so neither needs a node.
#include <iostream>
#include <map>
#include <set>

#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/options.h"
#include "runtime/cli/workspace_targets.h"

namespace strata::cli {
namespace {

using driver::WorkspacePackages;
using driver::WorkspaceTarget;

// Loads `package` and every package it imports, transitively.
bool LoadWithImports(WorkspacePackages& workspace, const std::string& package) {
  std::vector<std::string> stack{package};
  std::set<std::string> seen{package};
  bool ok = true;
  while (!stack.empty()) {
    std::string next = stack.back();
    stack.pop_back();
    ok = workspace.Load(driver::LabelPattern{next, "default", false, false}) && ok;
    for (const std::string& imported : workspace.Imports(next))
      if (seen.insert(imported).second) stack.push_back(imported);
  }
  return ok;
}

// The packages that import `package`, directly or not, among the loaded ones: one walk up the
// reversed import edges (a fixpoint over every package took ~100 rounds along a library chain).
std::set<std::string> ImportingPackages(const WorkspacePackages& workspace,
                                        const std::string& package) {
  std::map<std::string, std::vector<std::string>> importers;
  for (const std::string& candidate : workspace.packages())
    if (workspace.Loaded(candidate))
      for (const std::string& imported : workspace.Imports(candidate))
        importers[imported].push_back(candidate);
  std::set<std::string> found;
  std::vector<std::string> stack{package};
  while (!stack.empty()) {
    std::string next = std::move(stack.back());
    stack.pop_back();
    for (const std::string& importer : importers[next])
      if (found.insert(importer).second) stack.push_back(importer);
  }
  return found;
}

}  // namespace

int QueryCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata query deps LABEL [--format text|json]\n"
      "       strata query rdeps LABEL [--within PATTERN] [--format text|json]";
  po::options_description options("strata query");
  options.add_options()("format", po::value<std::string>()->default_value("text"), "text or json")(
      "within", po::value<std::string>()->value_name("PATTERN"),
      "rdeps: only dependants matching PATTERN (default //...)")(
      "store", po::value<std::string>()->value_name("DIR"), "the store whose caches are read")(
      "stats", po::bool_switch(), "print the package cache's hits on stderr");
  ParsedCommand parsed = ParseCommand(usage, options, args, 2);
  if (parsed.positional.size() != 2 ||
      (parsed.positional[0] != "deps" && parsed.positional[0] != "rdeps"))
    throw UsageError{"expected deps or rdeps and one label\nusage: " + usage};
  bool rdeps = parsed.positional[0] == "rdeps";
  bool json = JsonFormat(parsed.values["format"].as<std::string>());
  driver::LabelPattern label = ParsePatterns({parsed.positional[1]})[0];
  if (label.recursive)
    throw UsageError{"query takes one label, not a pattern: " + parsed.positional[1]};
  if (!rdeps && parsed.values.count("within")) throw UsageError{"--within is for rdeps"};
  driver::LabelPattern within =
      ParsePatterns({parsed.values.count("within") ? parsed.values["within"].as<std::string>()
                                                   : std::string("//...")})[0];

  std::string store_dir = StoreDir(parsed.values);
  driver::Frontend frontend(WorkspaceFrontendOptions(store_dir));
  std::unique_ptr<WorkspacePackages> workspace = OpenWorkspace(frontend);
  if (!workspace) return FinishFrontend(frontend);
  std::unique_ptr<driver::PackageCache> cache =
      OpenPackageCache(store_dir, workspace->root(), frontend);
  workspace->UseCache(cache.get());
  workspace->KeepStageGraphs();
  if (!workspace->Load(label) || !LoadWithImports(*workspace, label.package))
    return FinishFrontend(frontend);
  // Every package: a dependant outside --within may be the link between two inside it.
  if (rdeps && !workspace->Load(driver::LabelPattern{"", "", true, false}))
    return FinishFrontend(frontend);
  auto in_within = [&](const std::string& package) {
    return within.recursive ? driver::PackageUnder(package, within.package)
                            : package == within.package;
  };

  // `//libs/base` of a library is the package itself.
  bool library = !label.target_given && workspace->IsLibrary(label.package);
  const WorkspaceTarget* subject = nullptr;
  if (!library) {
    std::string error;
    std::optional<std::vector<const WorkspaceTarget*>> matched = workspace->Match(label, error);
    if (!matched) {
      frontend.Error({}, error);
      return FinishFrontend(frontend);
    }
    // The exact label, else the first stage of a record target (`//p:services`).
    subject = matched->front();
    for (const WorkspaceTarget* target : *matched)
      if (target->name == label.target) subject = target;
  }

  std::set<std::string> labels;
  if (!rdeps) {
    std::set<std::string> below =
        subject ? workspace->StagesBelow(subject->key) : std::set<std::string>{};
    if (subject)
      for (const auto& [text, target] : workspace->targets())
        if (target.key != subject->key && below.count(target.key)) labels.insert(text);
    // Library packages imported, directly or not, name what the program uses besides targets.
    std::vector<std::string> stack{label.package};
    std::set<std::string> seen{label.package};
    while (!stack.empty()) {
      std::string package = stack.back();
      stack.pop_back();
      for (const std::string& imported : workspace->Imports(package)) {
        if (!seen.insert(imported).second) continue;
        if (workspace->IsLibrary(imported)) labels.insert("//" + imported);
        stack.push_back(imported);
      }
    }
  } else if (subject) {
    std::set<std::string> above = workspace->StagesAbove(subject->key);
    for (const auto& [text, target] : workspace->targets()) {
      if (!in_within(target.package) || target.key == subject->key) continue;
      if (above.count(target.key)) labels.insert(text);
    }
  } else {
    std::set<std::string> importers = ImportingPackages(*workspace, label.package);
    for (const std::string& package : importers)
      if (in_within(package) && workspace->IsLibrary(package)) labels.insert("//" + package);
    // One pass over the targets (not one per importer: 1,000 × 10,800 comparisons).
    for (const auto& [text, target] : workspace->targets())
      if (importers.count(target.package) && in_within(target.package)) labels.insert(text);
  }
  PrintLabels({labels.begin(), labels.end()}, json);
  if (parsed.values["stats"].as<bool>()) PrintCacheStats({cache.get()});
  return FinishFrontend(frontend);
}

}  // namespace strata::cli
