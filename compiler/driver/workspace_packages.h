// The packages of a workspace evaluated through one Frontend: their targets (stage-valued
// attributes, by label), the package import graph, and label and pattern matching with "near"
// lists. What `strata targets`, `query`, `affected` and the label forms of build, graph and
// check read.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/driver/frontend.h"
#include "compiler/driver/package_cache.h"
#include "compiler/driver/stage_graph.h"
#include "compiler/driver/workspace.h"
#include "compiler/graph/node.h"

namespace strata::driver {

struct WorkspaceTarget {
  std::string package;      // "libs/base" ("" for the root package)
  std::string name;         // dotted attribute path
  const graph::Node* node;  // null when the package came from the package cache
  std::string key;          // the node's derivation key, hex
  std::string Label() const { return LabelText(package, name); }
};

class WorkspacePackages {
 public:
  // `frontend` must have had OpenWorkspace(root).
  WorkspacePackages(Frontend& frontend, std::string root);

  const std::string& root() const { return root_; }
  // Answers packages from `cache` (and stores what is evaluated) from now on: their targets
  // then have keys but no nodes, which suits commands that print labels or compare keys.
  // With `lookup` false every package is evaluated (a build needs the nodes) and stored.
  void UseCache(PackageCache* cache, bool lookup = true) {
    cache_ = cache;
    lookup_ = lookup;
  }
  // Keeps the stage graph (StageGraphOf) of every package loaded from now on, from the package
  // cache for a hit, so that StagesBelow/StagesAbove answer without nodes (`strata query`).
  void KeepStageGraphs() { keep_stages_ = true; }
  // With KeepStageGraphs: the keys of the stage nodes reachable from the stage `key` (it
  // included) through the loaded packages' stage graphs; a target is in the derivation graph of
  // the target of key K exactly when its key is in StagesBelow(K) (the loaded packages being K's
  // and all it imports).
  std::set<std::string> StagesBelow(const std::string& key) const;
  // The keys of the stage nodes from which `key` is reachable (it included).
  std::set<std::string> StagesAbove(const std::string& key) const;
  // Every package in the tree, sorted.
  const std::vector<std::string>& packages() const { return packages_; }

  // Evaluates the packages `pattern` names (one, or all under a recursive pattern) once each.
  // A package that does not exist is an error with the near names; a package with errors is
  // reported (diagnostics in the Frontend) and the others are still evaluated. False after any
  // error.
  bool Load(const LabelPattern& pattern);
  // The targets `pattern` matches among the loaded packages, sorted by label. A label whose
  // target is missing is an error naming the near targets (appended to `error`); for a label,
  // a target that is a record of stages gives all of them (`//p:services`).
  std::optional<std::vector<const WorkspaceTarget*>> Match(const LabelPattern& pattern,
                                                           std::string& error) const;

  // Whether `package` was evaluated without errors.
  bool Loaded(const std::string& package) const { return loaded_.count(package) != 0; }
  bool Exists(const std::string& package) const;
  // Loaded packages whose value holds no stage (libraries).
  bool IsLibrary(const std::string& package) const;
  // The packages `package` imports directly (through plain file imports too), sorted.
  const std::vector<std::string>& Imports(const std::string& package) const;
  // Every target of every loaded package, by label (sorted).
  const std::map<std::string, WorkspaceTarget>& targets() const { return targets_; }
  // The near package names for a message: ", near: //a, //b", or "".
  std::string NearPackages(const std::string& package) const;

 private:
  bool LoadPackage(const std::string& package);
  void AddStages(const std::vector<StageNode>& stages);
  // The keys reachable from `key` through `edges` (it included).
  std::set<std::string> Reach(const std::string& key,
                              const std::vector<std::vector<uint32_t>>& edges) const;

  Frontend& frontend_;
  PackageCache* cache_ = nullptr;
  bool lookup_ = true;
  std::string root_;
  std::vector<std::string> packages_;
  std::set<std::string> loaded_, failed_;
  std::map<std::string, std::vector<std::string>> imports_;  // package → imported packages
  std::map<std::string, WorkspaceTarget> targets_;           // by label; pointers stay valid
  // The loaded packages' stage graphs, merged by key (a key's stage inputs are the same in
  // every package that reaches it: a key covers its inputs' keys).
  bool keep_stages_ = false;
  std::unordered_map<std::string, uint32_t> stage_ids_;
  std::vector<std::string> stage_keys_;
  std::vector<std::vector<uint32_t>> stage_inputs_;
  std::vector<bool> stage_known_;
};

}  // namespace strata::driver
