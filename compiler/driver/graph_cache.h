// The evaluation cache (STORE/graph-cache/): a program's lowered target nodes, reused while every
// input its evaluation read is unchanged, so an unchanged program skips parse, check, evaluation
// and lowering.
//
// An entry is named by the quick inputs (the binary, the working directory, the entry file, the
// `--arg` values, the target, the lock policy and the workspace root found above the entry) and
// lists every other input with what it was: each module file's content hash, both places a
// strata.lock may be (present or not), and each local source the evaluation hashed (its path,
// exclusions and digest). Lookup checks them all, rebuilds the nodes through Graph::Get and
// checks that each recomputed key equals the recorded one, so a hit equals a fresh evaluation.
// An entry is used only when its magic, length and XXH3-64 checksum match and it decodes within
// bounds; anything else is a miss (the program is evaluated and the entry rewritten).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/frontend.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/lockfile.h"
#include "compiler/graph/node.h"

namespace strata::driver {

// What names an entry: everything the evaluation depends on that is not checked by content.
struct GraphCacheQuery {
  std::string entry_file;      // absolute
  std::string workspace_root;  // the strata.workspace found above the entry, or ""
  std::vector<std::string> args;
  std::vector<std::string> target;
  int lock_policy = 0;
};

// One evaluation's answer and the inputs it read.
struct GraphCacheAnswer {
  std::vector<const graph::Node*> roots;
  bool is_node = false;
  // Absolute; must exist with the same content: the hash of the text the evaluation parsed
  // (Frontend::ModuleFiles), or "" when only the file as it is now can be recorded.
  std::map<std::string, std::string> module_files;
  // Absolute; present or not, the same: what they held before the evaluation read them
  // (nullopt: absent).
  std::map<std::string, std::optional<std::string>> lock_files;
};

class GraphCache {
 public:
  // `dir` is the cache directory ("" disables the cache).
  GraphCache(std::string dir, graph::LocalSourceHasher& hasher);

  bool enabled() const { return !dir_.empty(); }

  // The cached answer's nodes, made in `graph`, when an entry exists and all its inputs are
  // unchanged; nullopt otherwise.
  std::optional<GraphCacheAnswer> Lookup(const GraphCacheQuery& query, graph::Graph& graph);
  // Writes the entry of an evaluation without diagnostics. The local sources of `answer`'s
  // nodes (and every other folder of the same content, Graph::WithUnkeyedParams) are inputs;
  // when the hasher saw more than they hold (a source the evaluation forced that no target
  // reaches), nothing is written. An entry that cannot be written is skipped.
  // `untracked` says whether a node was made from inputs this cache does not track (then
  // nothing is written).
  using UntrackedFn = std::function<bool(const graph::Node*)>;
  void Store(const GraphCacheQuery& query, const GraphCacheAnswer& answer,
             const graph::Graph& graph, const UntrackedFn& untracked = nullptr);

  // The entry's path for a query (for tests).
  std::string EntryPath(const GraphCacheQuery& query) const;

 private:
  std::string dir_;
  graph::LocalSourceHasher& hasher_;
};

// Frontend::Run and CollectTargets, answered by `cache` when it holds an entry whose inputs
// are all unchanged: then nothing is parsed, checked or evaluated, and the nodes carry no
// origin (a source position for messages). A run without diagnostics and without Dockerfile
// lowering is stored for the next time. `lock_policy` is the frontend's.
bool RunTargetsCached(Frontend& frontend, GraphCache& cache, graph::LockPolicy lock_policy,
                      const ProgramInput& input, const std::vector<std::string>& target,
                      std::vector<const graph::Node*>& nodes, bool* is_node = nullptr);

}  // namespace strata::driver
