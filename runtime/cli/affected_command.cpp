// `strata affected --since REV [PATTERN]...`: the targets whose derivation keys differ between
// git revision REV and the working tree, sorted. Nothing is built. The working tree is
// evaluated (unchanged packages from the package cache); REV's keys come from REV's
// package-cache entries, checked against REV's tree without a checkout (git reports which
// paths differ from the working tree; only those are read from git), and the packages whose
// entries miss are evaluated from a checkout of just what they read. A target is affected
// when its key differs or it did not exist at REV.
#include <filesystem>
#include <future>
#include <iostream>
#include <map>

#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/git_revision.h"
#include "runtime/cli/git_snapshot.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/options.h"
#include "runtime/cli/revision_inputs.h"
#include "runtime/cli/workspace_targets.h"

namespace strata::cli {
namespace {

using Keys = std::map<std::string, std::string>;  // label → derivation key
using Caches = std::vector<std::unique_ptr<driver::PackageCache>>;

void AddTargets(const driver::WorkspacePackages& workspace, const std::string& package,
                Keys& keys) {
  for (const auto& [label, target] : workspace.targets())
    if (target.package == package) keys[label] = target.key;
}

driver::LabelPattern PackageLabel(const std::string& package) {
  return driver::LabelPattern{package, "default", false, false};
}

// `path` (absolute) relative to `root`; nullopt outside it.
std::optional<std::string> RelativeTo(const std::string& root, const std::string& path) {
  if (path == root) return std::string();
  if (path.size() > root.size() + 1 && path.compare(0, root.size(), root) == 0 &&
      path[root.size()] == '/')
    return path.substr(root.size() + 1);
  return std::nullopt;
}

// Evaluates `packages` at the revision in its partial checkout: first each package's directory
// and those of the packages it imports in the working tree, then, round by round, whatever
// else its evaluation read, until every input it read was checked out whole (then its keys
// equal a full checkout's). Returns the packages left: those that failed there (perhaps for
// lack of a file) or did not close in a few rounds.
std::vector<std::string> EvaluatePartially(RevisionInputs& inputs, const GitRevision& revision,
                                           const driver::WorkspacePackages& worktree,
                                           std::vector<std::string> packages,
                                           const std::string& store_dir, Keys& before,
                                           Caches& caches) {
  std::vector<std::string> seeds = {"strata.workspace", "strata.lock"};
  for (const std::string& package : packages) {
    std::vector<std::string> stack = {package};
    std::set<std::string> seen = {package};
    while (!stack.empty()) {
      std::string next = stack.back();
      stack.pop_back();
      seeds.push_back(next);
      for (const std::string& imported : worktree.Imports(next))
        if (seen.insert(imported).second) stack.push_back(imported);
    }
  }
  std::vector<std::string> left;
  for (int round = 0; round < 4 && !packages.empty(); ++round) {
    llvm::Expected<GitSnapshot*> snapshot = inputs.Snapshot();
    if (!snapshot) {
      llvm::consumeError(snapshot.takeError());
      break;
    }
    if (llvm::Error error = inputs.CheckOutUnder(seeds)) {
      llvm::consumeError(std::move(error));
      break;
    }
    seeds.clear();
    // A fresh front end each round: the last one's parse and hash results may predate files.
    driver::Frontend frontend(driver::FrontendOptions{});
    if (!frontend.OpenWorkspace((*snapshot)->dir())) break;
    driver::WorkspacePackages workspace(frontend, (*snapshot)->dir());
    caches.push_back(OpenPackageCache(store_dir, (*snapshot)->dir(), frontend));
    workspace.UseCache(caches.back().get(), /*lookup=*/false);
    std::vector<std::string> again;
    for (const std::string& package : packages) {
      const std::vector<std::string>* used = nullptr;
      if (workspace.Load(PackageLabel(package))) used = caches.back()->InputsOf(package);
      if (!used) {
        left.push_back(package);
        continue;
      }
      bool closed = true;
      for (const std::string& path : *used) {
        std::optional<std::string> rel = RelativeTo((*snapshot)->dir(), path);
        if (!rel) continue;  // outside the workspace: the same file on both sides
        for (const std::string& file : revision.FilesUnder(*rel))
          if (!(*snapshot)->Written(file)) {
            closed = false;
            seeds.push_back(*rel);
            break;
          }
      }
      if (closed)
        AddTargets(workspace, package, before);
      else
        again.push_back(package);
    }
    packages = std::move(again);
  }
  left.insert(left.end(), packages.begin(), packages.end());
  return left;
}

}  // namespace

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

  // REV's git reads run beside the working tree's evaluation (they share nothing): on a busy
  // machine the git processes' waits were most of the command's wall time.
  std::error_code cwd_error;
  std::optional<std::string> found =
      driver::FindWorkspaceRoot(std::filesystem::current_path(cwd_error).string());
  std::future<llvm::Expected<GitRevision>> opening;
  if (found)
    opening = std::async(std::launch::async, [&] { return GitRevision::Open(*found, rev); });
  // The working tree: every error is the user's to fix first.
  driver::Frontend frontend(WorkspaceFrontendOptions(StoreDir(parsed.values)));
  std::string store_dir = StoreDir(parsed.values);
  std::optional<WorkspaceSelection> selection =
      SelectWorkspaceTargets(frontend, patterns, &store_dir);
  if (!selection) {
    if (opening.valid()) llvm::consumeError(opening.get().takeError());
    return FinishFrontend(frontend);
  }
  const std::vector<const driver::WorkspaceTarget*>& targets = selection->targets;
  const std::string& root = selection->workspace->root();

  llvm::Expected<GitRevision> revision = [&]() -> llvm::Expected<GitRevision> {
    if (opening.valid()) {
      llvm::Expected<GitRevision> opened = opening.get();
      if (*found == root) return opened;
      if (!opened) llvm::consumeError(opened.takeError());
    }
    return GitRevision::Open(root, rev);
  }();
  if (!revision) {
    frontend.Error({}, "--since " + rev + ": " + llvm::toString(revision.takeError()));
    return FinishFrontend(frontend);
  }
  // REV: a package that does not exist or evaluate there has no keys, so its targets count
  // as affected.
  Keys before;
  std::set<std::string> wanted;
  for (const driver::WorkspaceTarget* target : targets)
    if (revision->HasFile(target->package.empty() ? "build.strata"
                                                  : target->package + "/build.strata"))
      wanted.insert(target->package);
  RevisionInputs inputs(*revision, root, *selection->cache, frontend.hasher());
  Caches caches;
  caches.push_back(OpenPackageCache(store_dir, root, frontend));
  driver::PackageCache& revision_cache = *caches.back();
  revision_cache.UseInputs(&inputs);
  std::vector<std::string> evaluate;
  if (revision_cache.enabled()) {
    // The differing module-like files in one checkout (others are checked out when asked).
    std::vector<std::string> prefetch;
    for (const std::string& path : revision->differing()) {
      std::string name = path.substr(path.rfind('/') + 1);
      if (revision->HasFile(path) &&
          (name == "strata.lock" || name == "strata.workspace" || name == ".dockerignore" ||
           name.find("Dockerfile") == 0 ||
           (name.size() > 7 && name.compare(name.size() - 7, 7, ".strata") == 0)))
        prefetch.push_back(path);
    }
    llvm::consumeError(inputs.CheckOutUnder(prefetch));
    for (const std::string& package : wanted) {
      if (std::optional<driver::CachedPackage> cached = revision_cache.Lookup(package)) {
        for (const auto& [name, key] : cached->targets)
          before[driver::LabelText(package, name)] = key;
      } else {
        evaluate.push_back(package);
      }
    }
    if (!evaluate.empty())
      evaluate = EvaluatePartially(inputs, *revision, *selection->workspace, std::move(evaluate),
                                   store_dir, before, caches);
  } else {
    evaluate.assign(wanted.begin(), wanted.end());  // no cache: a whole checkout, as below
  }
  if (!evaluate.empty()) {
    // What is left: REV checked out whole, as a checkout gives it.
    llvm::Expected<GitSnapshot*> snapshot = inputs.Snapshot();
    llvm::Error error = snapshot ? (*snapshot)->CheckOut(nullptr) : snapshot.takeError();
    if (error) {
      frontend.Error({}, "--since " + rev + ": " + llvm::toString(std::move(error)));
      return FinishFrontend(frontend);
    }
    driver::Frontend before_frontend(driver::FrontendOptions{});
    if (before_frontend.OpenWorkspace((*snapshot)->dir())) {
      driver::WorkspacePackages before_workspace(before_frontend, (*snapshot)->dir());
      caches.push_back(OpenPackageCache(store_dir, (*snapshot)->dir(), before_frontend));
      before_workspace.UseCache(caches.back().get());
      for (const std::string& package : evaluate) {
        if (before_workspace.Load(PackageLabel(package)))
          AddTargets(before_workspace, package, before);
        else
          std::cerr << "strata: note: //" << package << " does not evaluate at " << rev
                    << "; its targets count as affected\n";
      }
    }
  }
  std::vector<std::string> affected;
  for (const driver::WorkspaceTarget* target : targets) {
    auto it = before.find(target->Label());
    if (it == before.end() || it->second != target->key) affected.push_back(target->Label());
  }
  PrintLabels(affected, json);
  if (parsed.values["stats"].as<bool>()) {
    std::vector<const driver::PackageCache*> all = {selection->cache.get()};
    for (const auto& cache : caches) all.push_back(cache.get());
    PrintCacheStats(all);
    const GitSnapshot* snapshot = inputs.made();
    std::cerr << "revision: "
              << (!snapshot               ? std::string("0")
                  : snapshot->Written("") ? std::string("all")
                                          : std::to_string(snapshot->files_written()))
              << " files checked out\n";
  }
  return FinishFrontend(frontend);
}

}  // namespace strata::cli
