// Executes the part of a derivation graph a target needs: cache hits without work, independent
// nodes in parallel, each result stored as its node record under the node's key.
#pragma once

#include <llvm/Support/Error.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "compiler/graph/local_source.h"
#include "compiler/graph/node.h"
#include "runtime/exec/sandbox_runner.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/schedule/local_sources.h"
#include "runtime/schedule/node_output.h"
#include "runtime/schedule/progress.h"
#include "runtime/schedule/record_key.h"
#include "runtime/schedule/remote_cache.h"
#include "runtime/store/store.h"

namespace strata::schedule {

struct ExecutorOptions {
  int jobs = 0;           // nodes run at once; 0 = one per core
  bool no_cache = false;  // ignore existing records (still writes new ones)
  // Secret id → host file, from `--secret id=ID,src=FILE`. Contents are read only by the
  // sandbox; they never reach a key, a layer, a record or a log line.
  std::map<std::string, std::string> secrets;
  oci::LayerOptions layer;  // compression and SOURCE_DATE_EPOCH of new layers
  // Whether the layers of a target's image are compressed as they are written: its image is
  // about to leave the store (an output, a cache push, an SBOM naming its manifest). When not,
  // every layer is stored as plain tar, as BuildKit's image store keeps layers, and compressed
  // only when a later build exports the image (deferred_layers.h).
  bool compress_target_layers = true;
  // The mirror of `debian` nodes that name none (--debian-mirror); "" for debian::DefaultMirror().
  std::string debian_mirror;
  // `strata lock`: a network step without an output hash runs (its hash is what lock records).
  bool unpinned_network = false;
  // --cache-from: asked for a stage node that has no usable record before it is planned; a
  // hit is a leaf of the plan like a local record (reported as cached, with `remote`).
  RemoteCache* remote_cache = nullptr;
  // The hasher lowering used for local sources (the front end's): copies check the files they
  // read against what it recorded (local_sources.h). Null: the executor hashes them itself.
  graph::LocalSourceHasher* local_hasher = nullptr;
};

struct ExecutorStats {
  std::atomic<int> executed{0};  // nodes whose op ran
  std::atomic<int> cached{0};    // nodes taken from a record
  std::atomic<int> fetched{0};   // of those, records fetched from the remote cache
};

class Executor {
 public:
  Executor(const store::Store& store, exec::SandboxRunner& runner, ExecutorOptions options,
           ProgressSink* progress = nullptr);

  // Builds `target` and returns its output. Only the nodes the target needs run: a node with
  // a complete record is a cache hit and its inputs are not visited. On the first failure no
  // new node starts, running ones finish (their records are kept), and the error names the
  // failing node. Thread-safe for one Build at a time.
  llvm::Expected<NodeOutput> Build(const graph::Node* target);
  // Builds every one of `targets` in one plan: what they share is built once, and nodes of
  // different targets run in parallel as independent nodes of one target do. The outputs in
  // the order of `targets`; on failure as Build.
  llvm::Expected<std::vector<NodeOutput>> BuildAll(const std::vector<const graph::Node*>& targets);

  const ExecutorStats& stats() const { return stats_; }
  // The first node whose op failed in the last Build, and its op's own message (without the
  // "OP node KEY (...) failed:" prefix), so that the CLI can point at the call that made it.
  const graph::Node* failed_node() const { return failed_node_; }
  const std::string& failed_message() const { return failed_message_; }

  // Where the node's record is stored with this executor's options (see RecordKeys): the key
  // a root record names for gc.
  std::string RecordKey(const graph::Node& node) { return record_keys_.Of(node); }

 private:
  struct Plan;
  // A node's record, written once its output has been handed to its dependents.
  struct PendingRecord;
  llvm::Expected<NodeOutput> Execute(Plan& plan, size_t index,
                                     std::optional<PendingRecord>& pending);
  llvm::Error WriteRecord(PendingRecord& pending);
  void NoteFailure(const graph::Node& node, const std::string& message);

  const store::Store& store_;
  exec::SandboxRunner& runner_;
  ExecutorOptions options_;
  ProgressSink* progress_;
  ExecutorStats stats_;
  std::mutex failed_mutex_;
  const graph::Node* failed_node_ = nullptr;
  std::string failed_message_;
  RecordKeys record_keys_;
  std::unique_ptr<LocalSources> local_sources_;
};

// A short human description of a node for progress lines and errors: "RUN make",
// "COPY src /app", "ENV PATH=/bin", "FROM busybox", ...
std::string Describe(const graph::Node& node);

}  // namespace strata::schedule
