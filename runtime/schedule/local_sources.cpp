// LocalSources: a local node's digest confirmed against the hasher that lowering used.
#include "runtime/schedule/local_sources.h"

#include "runtime/oci/tree_scan.h"

namespace strata::schedule {

LocalSources::LocalSources(graph::LocalSourceHasher* hasher) : hasher_(hasher) {
  if (hasher_ == nullptr) {
    owned_ = std::make_unique<graph::LocalSourceHasher>();
    hasher_ = owned_.get();
  }
}

llvm::Error LocalSources::Confirm(const graph::LocalParams& params) {
  std::lock_guard<std::mutex> lock(mutex_);
  graph::LocalSourceHasher::Result result =
      hasher_->Hash(params.path, params.exclude, params.exclude_base, params.keep_modes);
  if (!result.error.empty())
    return llvm::createStringError(std::make_error_code(std::errc::io_error), result.error);
  if (result.digest != params.digest) return oci::ChangedDuringBuild(params.path);
  return llvm::Error::success();
}

}  // namespace strata::schedule
