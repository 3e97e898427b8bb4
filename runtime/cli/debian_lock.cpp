// Walks the graph for debian nodes and resolves each through runtime/debian.
#include "runtime/cli/debian_lock.h"

#include <ctime>
#include <set>

#include "compiler/graph/lockfile.h"
#include "compiler/graph/op_params.h"
#include "runtime/debian/resolver.h"
#include "runtime/debian/suite.h"
#include "runtime/schedule/store_lease.h"

namespace strata::cli {

std::map<std::string, DebianLockRequest> DebianRequests(
    const std::vector<const graph::Node*>& roots) {
  std::map<std::string, DebianLockRequest> requests;
  for (const graph::Node* node : graph::ReachableNodes(roots)) {
    if (node->op() != graph::Op::kDebian) continue;
    llvm::Expected<graph::DebianParams> params = graph::DecodeDebian(*node);
    if (!params) {
      // A malformed node fails its build with the decode error; here it just has nothing to lock.
      llvm::consumeError(params.takeError());
      continue;
    }
    DebianLockRequest request;
    request.suite = params->request.suite;
    request.arch = params->request.arch;
    request.mirror = params->request.mirror;
    request.packages = params->request.packages;
    request.exclude = params->request.exclude;
    requests[graph::DebianLockKey(request.suite, request.arch, request.mirror, request.packages,
                                  request.exclude)] = request;
  }
  return requests;
}

llvm::Expected<nlohmann::json> ResolveDebianLock(const store::Store& store,
                                                 const DebianLockRequest& request) {
  debian::SuiteSource source;
  source.mirror = request.mirror;
  source.suite = request.suite;
  source.arch = request.arch;
  // Under a shared lease, as a build, so that a concurrent gc cannot sweep the index midway.
  llvm::Expected<schedule::StoreLease> lease =
      schedule::StoreLease::Acquire(store, schedule::StoreLease::Mode::kShared);
  if (!lease) return lease.takeError();
  llvm::Expected<debian::Suite> suite = debian::LoadSuite(store, source);
  if (!suite) return suite.takeError();
  // A root naming the index blobs: gc keeps them as long as it keeps a build's (--keep-days),
  // so the next lock or unlocked build of the suite neither fetches nor decompresses them.
  schedule::RootRecord root;
  root.time = static_cast<int64_t>(std::time(nullptr));
  for (const std::string& index : {suite->index_sha256, suite->plain_index_sha256})
    if (!index.empty()) root.blobs.push_back("sha256:" + index);
  if (!root.blobs.empty())
    if (llvm::Error err = schedule::WriteRoot(store, root)) return err;
  llvm::Expected<debian::Resolution> resolution =
      debian::Resolve(*suite->index, request.packages, suite->where, request.exclude);
  if (!resolution) return resolution.takeError();
  nlohmann::json packages = nlohmann::json::array();
  for (const debian::Package* package : resolution->packages)
    packages.push_back({{"name", package->name.str()},
                        {"version", package->version.str()},
                        {"arch", package->architecture.str()},
                        {"filename", package->filename.str()},
                        {"size", package->size},
                        {"sha256", package->sha256.str()}});
  return nlohmann::json{{"release",
                         {{"suite", suite->release.codename},
                          {"date", suite->release.date},
                          {"sha256", suite->release_sha256}}},
                        {"packages", std::move(packages)}};
}

}  // namespace strata::cli
