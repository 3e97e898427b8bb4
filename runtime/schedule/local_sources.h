// The user's local files as this build's lowering hashed them, shared by the executor's ops.
#pragma once

#include <llvm/Support/Error.h>

#include <memory>
#include <mutex>

#include "compiler/graph/local_manifest.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/op_params.h"

namespace strata::schedule {

// A local node's key holds its files' digest, made at lowering; its consumers (copy, run
// mounts) read the files later. The manifest lowering recorded is what they check what they
// read against (copy_layer.h), without reading any file a second time.
class LocalSources {
 public:
  // `hasher` is the one lowering used: its memo answers Confirm without touching the files.
  // Without one (an executor driven without a front end) an own hasher hashes each source once,
  // when its node runs.
  explicit LocalSources(graph::LocalSourceHasher* hasher);

  // Checks that the source of a local node is what its digest says, as this process's hasher
  // saw it (so that the manifest holds its entries); an error naming the source otherwise.
  llvm::Error Confirm(const graph::LocalParams& params);
  const graph::LocalManifest& manifest() const { return hasher_->manifest(); }

 private:
  std::mutex mutex_;  // the hasher is not thread-safe; local nodes may run in parallel
  std::unique_ptr<graph::LocalSourceHasher> owned_;
  graph::LocalSourceHasher* hasher_;
};

}  // namespace strata::schedule
