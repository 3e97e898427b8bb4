// The per-package cache of a workspace (STORE/package-cache/): a package's targets with their
// derivation keys and its imports, reused while every input its evaluation read is unchanged.
//
// An entry's file name hashes the package path, its build.strata bytes, the workspace's
// strata.lock bytes and the binary (which holds the stdlib); the entry lists every other input
// (each module file the package loads, through imported packages too, with its content hash;
// each local source its targets reach, with the hasher's arguments and digest), and Lookup
// checks them all, so a hit equals a fresh evaluation. Paths under the root are stored relative
// to it, so a git snapshot of the same tree (`strata affected`) hits the same entries.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "compiler/graph/local_source.h"
#include "compiler/graph/node.h"

namespace strata::driver {

struct CachedPackage {
  std::vector<std::pair<std::string, std::string>> targets;  // dotted name → key hex, sorted
  std::vector<std::string> imports;                          // imported packages ("libs/base")
};

class PackageCache {
 public:
  // `dir` is the cache directory ("" disables the cache); `root` the workspace root.
  PackageCache(std::string dir, std::string root, graph::LocalSourceHasher& hasher);

  bool enabled() const { return !dir_.empty(); }
  // The package's cached answer when an entry exists and all its inputs are unchanged.
  std::optional<CachedPackage> Lookup(const std::string& package);
  // The files a node was made from besides modules and local sources (Frontend::
  // DockerfileFiles): null for none; "" in the list for an input that cannot be tracked.
  using ExtraFiles = std::function<const std::vector<std::string>*(const graph::Node*)>;
  // Writes the entry of a package evaluated without errors: `module_files` (absolute paths)
  // are every file module it loaded, `stages` its target nodes by dotted name in `graph`. An entry
  // that cannot be written, or has an untracked input, is skipped (the cache is an optimisation).
  void Store(const std::string& package, const std::vector<std::string>& module_files,
             const std::vector<std::pair<std::string, const graph::Node*>>& stages,
             const std::vector<std::string>& imports, const graph::Graph& graph,
             const ExtraFiles& extra_files);

  struct Stats {
    size_t hits = 0, misses = 0, stored = 0;
  };
  const Stats& stats() const { return stats_; }

  // The entry file name for a package, from its inputs' hashes (for tests); nullopt when the
  // package file cannot be read.
  std::optional<std::string> SlotName(const std::string& package);

 private:
  // XXH3-128 hex of a file's bytes (once per path and process); nullopt when unreadable.
  std::optional<std::string> FileHash(const std::string& path);
  // The entry at `path` when it is `package`'s and all its inputs are unchanged.
  std::optional<CachedPackage> Read(const std::string& path, const std::string& package);
  std::string Relative(const std::string& path) const;
  std::string Absolute(const std::string& path) const;

  std::string dir_, root_;
  graph::LocalSourceHasher& hasher_;
  std::map<std::string, std::optional<std::string>> file_hashes_;
  Stats stats_;
};

}  // namespace strata::driver
