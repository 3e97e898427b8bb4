// From labels and patterns on a command line to the workspace's targets, through the driver:
// what build, graph, check, targets, query and affected share.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/frontend.h"
#include "compiler/driver/package_cache.h"
#include "compiler/driver/workspace_packages.h"

namespace strata::cli {

// The workspace above the current directory, opened in `frontend`; null after reporting that
// there is none (or that its strata.lock is unreadable) to `frontend`.
std::unique_ptr<driver::WorkspacePackages> OpenWorkspace(driver::Frontend& frontend);

// The front end's options for a workspace command that only reads (targets, query,
// affected, a label build's up-to-date check): FrontendOptionsFor(store_dir, false), and, when
// the store exists, its local-source hash cache even before a build made one, so that the
// package cache's checks of unchanged files cost a stat (the hash cache is then written there,
// as the package cache is).
driver::FrontendOptions WorkspaceFrontendOptions(const std::string& store_dir);

// The package cache of `store_dir` (STORE/package-cache) for `workspace`, answering through
// `frontend`'s hasher; disabled when the store does not exist (commands that only read create
// no store, but they do fill the cache of one that exists).
std::unique_ptr<driver::PackageCache> OpenPackageCache(const std::string& store_dir,
                                                       const std::string& root,
                                                       driver::Frontend& frontend);

// `--stats`: "package cache: H hits, M evaluated, S stored" on stderr, summed over `caches`.
void PrintCacheStats(const std::vector<const driver::PackageCache*>& caches);

// Parses labels and patterns; a malformed one is a usage error (throws UsageError).
std::vector<driver::LabelPattern> ParsePatterns(const std::vector<std::string>& texts);

// Evaluates the packages `patterns` name and returns their targets, sorted, each once; nullopt
// after errors (in `frontend`'s diagnostics: a missing package or target with the near names).
std::optional<std::vector<const driver::WorkspaceTarget*>> SelectTargets(
    driver::WorkspacePackages& workspace, driver::Frontend& frontend,
    const std::vector<driver::LabelPattern>& patterns);

// A workspace opened and the targets of some patterns selected: what the label forms of
// build, graph, check, targets and affected start with.
struct WorkspaceSelection {
  std::unique_ptr<driver::WorkspacePackages> workspace;
  std::unique_ptr<driver::PackageCache> cache;  // null without one
  std::vector<const driver::WorkspaceTarget*> targets;
};
// OpenWorkspace + SelectTargets of `patterns`; with `cache_store` set, unchanged packages come
// from that store's package cache (their targets have keys but no nodes); with `lookup` false,
// every package is evaluated and only stored there. nullopt after errors (in `frontend`'s
// diagnostics).
std::optional<WorkspaceSelection> SelectWorkspaceTargets(
    driver::Frontend& frontend, const std::vector<driver::LabelPattern>& patterns,
    const std::string* cache_store = nullptr, bool lookup = true);

// `--format text|json`: a usage error for anything else.
bool JsonFormat(const std::string& format);
// Labels one a line, or a JSON array of strings.
void PrintLabels(const std::vector<std::string>& labels, bool json);

}  // namespace strata::cli
