// Where the executor looks for a node's output that its store lacks, before running the node.
#pragma once

#include <string>

#include "compiler/graph/node.h"

namespace strata::schedule {

// A remote cache (registry_cache.h for OCI registries; tests may fake one). The executor asks
// it only for stage nodes with no usable record, from one thread, and never under --no-cache.
class RemoteCache {
 public:
  virtual ~RemoteCache() = default;
  // Brings the node's output into the store when the cache has it: every blob verified and
  // committed first, the node record under `record_key` last, so a failure half-way leaves
  // no record. False on a miss, and when the cache failed (it warns itself; the node is then
  // built here).
  virtual bool Fetch(const graph::Node& node, const std::string& record_key) = 0;
};

}  // namespace strata::schedule
