// The remote cache in OCI registries: `--cache-from` fetches node outputs, `--cache-to` pushes
// them, one artifact manifest per node under a tag made from its record key (cache_manifest.h).
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "compiler/graph/node.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/oci/registry_client.h"
#include "runtime/schedule/remote_cache.h"
#include "runtime/schedule/shared_nodes.h"
#include "runtime/store/store.h"

namespace strata::schedule {

// "docker://HOST/REPO" (or "HOST/REPO") → the repository; a tag or digest is refused, since
// the cache chooses its own tags. The error is a usage message.
llvm::Expected<oci::ImageReference> ParseCacheRepository(const std::string& text);

// Fetches from the repositories in order: the first that has the node wins. Nodes that are
// not shareable (shared_nodes.h) are never asked for. A repository that
// cannot be reached, refuses the login or answers with an unexpected status is reported once
// through `warn` and not asked again in this build; a 404 is a plain miss. An entry whose
// manifest, record or any blob fails its checks (a digest that does not match, a size over
// what the manifest declares, a record naming other layers) is refused with a warning, and the
// node is built here: nothing unverified enters the store.
class RegistryCache : public RemoteCache {
 public:
  using Warn = std::function<void(const std::string&)>;
  RegistryCache(const store::Store& store, const std::vector<oci::ImageReference>& from, Warn warn);

  bool Fetch(const graph::Node& node, const std::string& record_key) override;

  int hits() const { return hits_; }
  uint64_t bytes_fetched() const { return bytes_fetched_; }

 private:
  struct Source {
    std::unique_ptr<oci::RegistryClient> client;
    std::string name;  // HOST/REPO
    bool disabled = false;
  };
  llvm::Expected<bool> FetchFrom(Source& source, const std::string& record_key, bool& refused);

  const store::Store& store_;
  std::vector<Source> sources_;
  Warn warn_;
  SharedNodes shared_;
  int hits_ = 0;
  uint64_t bytes_fetched_ = 0;
};

struct CachePushStats {
  int pushed = 0;       // manifests written
  int present = 0;      // already in the repository with the same manifest
  int unshareable = 0;  // stage nodes left out: they depend on unpinned inputs
  uint64_t bytes = 0;   // blob bytes uploaded
};

// Pushes every stage node reachable from `target` that has a complete record in the store
// (under the record keys `layer` options give) and is shareable (shared_nodes.h): its layers
// and record blob unless the repository has them, then its manifest under CacheTag(key). A
// manifest already there with the same digest costs one HEAD request. The first failure
// stops the push and is returned.
llvm::Expected<CachePushStats> PushCache(const store::Store& store,
                                         const oci::ImageReference& repository,
                                         const graph::Node& target, const oci::LayerOptions& layer);

}  // namespace strata::schedule
