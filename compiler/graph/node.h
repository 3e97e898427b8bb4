// The derivation graph: immutable, hash-consed nodes keyed by XXH3-128 of their encoding.
//
// A node's key covers its op, its keyed parameters and its inputs' keys (see
// docs/graph-encoding.md for the exact bytes). Two equal nodes are one pointer: Graph::Get
// returns the existing node when the key (and any host path) is already known. The graph is the
// only thing the runtime reads from the compiler.
#pragma once

#include <llvm/ADT/ArrayRef.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/source.h"

namespace strata::graph {

// Bump when the canonical encoding changes: every key changes with it.
inline constexpr std::string_view kEncodingVersion = "strata-graph-v2";

enum class Op : uint8_t {
  kScratch,  // the empty image
  kPull,     // a base image by reference (and digest, once locked)
  kLoad,     // a base image from a local OCI layout or docker-archive (input: an artifact)
  kLocal,    // local source files, keyed by their content
  kFetch,    // fixed-output download, verified by sha256
  kExec,     // a RUN step on a stage
  kCopy,     // COPY of an artifact into a stage
  kConfig,   // one image-config change (env, workdir, user, ...)
  kSelect,   // a path selected out of a stage or artifact
  kMinimal,  // executables and their ELF closure on scratch
  kText,     // a single file with literal content (Dockerfile heredoc COPY; `text`)
  kDebian,   // a base made from Debian packages (resolved, verified and unpacked by the runtime)
};

// Lowercase name used in printing and in the encoding ("exec", "copy", ...).
std::string_view OpName(Op op);

// A 128-bit derivation key, printed as 32 lowercase hex digits (high half first).
struct Key {
  uint64_t high = 0;
  uint64_t low = 0;
  std::string Hex() const;
  bool operator==(const Key& other) const { return high == other.high && low == other.low; }
  bool operator!=(const Key& other) const { return !(*this == other); }
};

// A named parameter. Values are JSON (string, integer, bool, array, object) so that the
// encoding, the printers and the runtime share one representation. An unkeyed parameter
// (a local source's host path) helps the runtime find things but is not part of the key.
struct Param {
  std::string name;
  nlohmann::json value;
  bool keyed = true;
};

class Node {
 public:
  Op op() const { return op_; }
  const Key& key() const { return key_; }
  llvm::ArrayRef<const Node*> inputs() const {
    return {reinterpret_cast<const Node* const*>(param_storage() + param_count_), input_count_};
  }
  // Sorted by name; names are unique.
  llvm::ArrayRef<Param> params() const { return {param_storage(), param_count_}; }
  // The value of a parameter, or null when the node has none of that name.
  const nlohmann::json* Find(std::string_view name) const;
  // Where in the source the node was first made (for messages); not part of the key.
  diag::SourceRange origin() const { return origin_; }
  // Whether another node of the graph has this key (local sources of one content in several
  // folders): only then does a walk that counts a derivation once need to compare keys, not
  // pointers.
  bool shares_key() const { return shares_key_; }
  // The number of nodes its graph made before this one: dense, so a walk over one graph's
  // nodes can keep its per-node state in a vector instead of a hash map keyed by pointer.
  uint32_t ordinal() const { return ordinal_; }

  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

 private:
  friend class Graph;
  // Made only by Graph::Get, in one allocation with its params and inputs right behind it
  // (a node, its params and its inputs were three heap blocks: 700,000 nodes at 100,000
  // targets, walked three times by evaluation, the entry writer and the printer).
  Node(Op op, Key key, uint32_t param_count, uint32_t input_count, diag::SourceRange origin)
      : op_(op), key_(key), param_count_(param_count), input_count_(input_count), origin_(origin) {}
  ~Node();
  Param* param_storage() const { return reinterpret_cast<Param*>(const_cast<Node*>(this) + 1); }

  Op op_;
  bool shares_key_ = false;  // set by Graph::Get when a second node with this key is made
  uint32_t ordinal_ = 0;     // in the padding before key_: no larger than without it
  Key key_;
  uint32_t param_count_;
  uint32_t input_count_;
  diag::SourceRange origin_;
};

// Computes the key of a would-be node (params need not be sorted).
Key ComputeKey(Op op, llvm::ArrayRef<Param> params, llvm::ArrayRef<const Node*> inputs);

// Every node reachable from `roots` (them included), each once, in depth-first order (a
// stack: a node's inputs are visited last to first).
std::vector<const Node*> ReachableNodes(llvm::ArrayRef<const Node*> roots);

// Owns the nodes and hash-conses them: one node per key and unkeyed params, so two local
// sources with the same content in two folders are two nodes with one key (each keeps its own
// host path); everything else with one key is one pointer.
class Graph {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Returns the node with this op, params and inputs, making it if it is new.
  const Node* Get(Op op, std::vector<Param> params, std::vector<const Node*> inputs,
                  diag::SourceRange origin = {});
  // The first node made with this key, or null.
  const Node* Lookup(const Key& key) const;
  // Every node made with this key that has unkeyed params (the local sources of one content in
  // several folders), in the order made: a node built on one of them (hash-consed by key) may
  // stand for any, so a cache that checks host paths checks them all.
  llvm::ArrayRef<const Node*> WithUnkeyedParams(const Key& key) const;
  size_t size() const;
  // Every node made, twins included (each ordinal() is below it).
  size_t nodes_made() const;
  // Room for `nodes` more nodes without rehashing (a reader that knows how many it will make).
  void Reserve(size_t nodes);
  // A hint that Get of a node with this key (and no unkeyed params) follows soon: its hash
  // table slot is fetched into the cache meanwhile. Nothing else changes.
  void Prefetch(const Key& key) const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace strata::graph
