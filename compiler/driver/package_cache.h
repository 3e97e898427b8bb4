// The per-package cache of a workspace (STORE/package-cache/): a package's targets with their
// derivation keys and its imports, reused while every input its evaluation read is unchanged.
//
// An entry's file name hashes the package path, its build.strata bytes, the workspace's
// strata.lock and strata.workspace bytes and the binary (which holds the built-in stdlib; a
// vendored stdlib's files are modules like any other); the entry lists every other input
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
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/driver/stage_graph.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/node.h"

namespace strata::driver {

struct CachedPackage {
  std::vector<std::pair<std::string, std::string>> targets;  // dotted name → key hex, sorted
  std::vector<std::string> imports;                          // imported packages ("libs/base")
  std::vector<StageNode> stages;  // the stage nodes the targets reach (StageGraphOf)
};

class PackageCache {
 public:
  // `dir` is the cache directory ("" disables the cache); `root` the workspace root.
  PackageCache(std::string dir, std::string root, graph::LocalSourceHasher& hasher);

  bool enabled() const { return !dir_.empty(); }

  // What a lookup checks an entry's inputs against: the files under the root unless replaced
  // (`strata affected` checks a git revision's entries against the revision's tree, without a
  // checkout). Paths are absolute.
  class Inputs {
   public:
    virtual ~Inputs() = default;
    // A file's content hash (ContentHash); nullopt when it is absent or unreadable.
    virtual std::optional<std::string> FileHash(const std::string& path) = 0;
    // Whether a local source's digest (LocalSourceHasher::Hash's arguments) is `digest`.
    virtual bool LocalMatches(const std::string& path, const std::vector<std::string>& exclude,
                              const std::string& exclude_base, bool keep_modes,
                              const std::string& digest) = 0;
  };
  // Lookups check against `inputs` from now on (null: the files under the root).
  void UseInputs(Inputs* inputs) { inputs_ = inputs; }
  // XXH3-128 hex of bytes: how entries record a file.
  static std::string ContentHash(std::string_view bytes);
  // The content hash of a file under the root (read once per path and process); nullopt when
  // unreadable.
  std::optional<std::string> FileHash(const std::string& path);
  // Every input Store recorded for `package` in this process (files, whether present or not,
  // and local-source paths; absolute), or null when none was recorded.
  const std::vector<std::string>* InputsOf(const std::string& package) const {
    auto it = inputs_of_.find(package);
    return it == inputs_of_.end() ? nullptr : &it->second;
  }
  // The package's cached answer when an entry exists and all its inputs are unchanged.
  std::optional<CachedPackage> Lookup(const std::string& package);
  // The files a node was made from besides modules and local sources (Frontend::
  // DockerfileFiles): null for none; "" in the list for an input that cannot be tracked.
  using ExtraFiles = std::function<const std::vector<std::string>*(const graph::Node*)>;
  // Writes the entry of a package evaluated without errors: `module_files` (absolute paths)
  // are every file module it loaded, with the hash of the text that was parsed
  // (Frontend::ModuleFiles), `stages` its target nodes by dotted name in `graph`. An entry that
  // cannot be written, has an untracked input, or has a module whose file no longer holds the
  // parsed text, is skipped (the cache is an optimisation).
  void Store(const std::string& package, const std::map<std::string, std::string>& module_files,
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
  // FileHash through inputs_ when set.
  std::optional<std::string> InputHash(const std::string& path);
  // The entry at `path` when it is `package`'s and all its inputs are unchanged.
  std::optional<CachedPackage> Read(const std::string& path, const std::string& package);
  std::string Relative(const std::string& path) const;
  std::string Absolute(const std::string& path) const;

  std::string dir_, root_;
  graph::LocalSourceHasher& hasher_;
  std::map<std::string, std::optional<std::string>> file_hashes_;
  Inputs* inputs_ = nullptr;
  std::map<std::string, std::vector<std::string>> inputs_of_;
  Stats stats_;
};

}  // namespace strata::driver
