// Walks the graph for debian nodes and resolves each through runtime/debian.
#include "runtime/cli/debian_lock.h"

#include <set>

#include "compiler/eval/lockfile.h"
#include "runtime/debian/resolver.h"
#include "runtime/debian/suite.h"

namespace strata::cli {

std::map<std::string, DebianLockRequest> DebianRequests(const std::vector<const graph::Node*>& roots) {
  std::map<std::string, DebianLockRequest> requests;
  std::set<const graph::Node*> seen;
  std::vector<const graph::Node*> work(roots.begin(), roots.end());
  auto text = [](const graph::Node* node, const char* name) {
    const nlohmann::json* value = node->Find(name);
    return value && value->is_string() ? value->get<std::string>() : std::string();
  };
  while (!work.empty()) {
    const graph::Node* node = work.back();
    work.pop_back();
    if (!seen.insert(node).second) continue;
    for (const graph::Node* input : node->inputs()) work.push_back(input);
    if (node->op() != graph::Op::kDebian) continue;
    DebianLockRequest request{text(node, "suite"), text(node, "arch"), text(node, "mirror"), {}};
    if (const nlohmann::json* packages = node->Find("packages"); packages && packages->is_array())
      for (const nlohmann::json& package : *packages)
        if (package.is_string()) request.packages.push_back(package.get<std::string>());
    if (const nlohmann::json* exclude = node->Find("exclude"); exclude && exclude->is_array())
      for (const nlohmann::json& package : *exclude)
        if (package.is_string()) request.exclude.push_back(package.get<std::string>());
    requests[eval::DebianLockKey(request.suite, request.arch, request.mirror, request.packages, request.exclude)] = request;
  }
  return requests;
}

llvm::Expected<nlohmann::json> ResolveDebianLock(const store::Store& store, const DebianLockRequest& request) {
  debian::SuiteSource source;
  source.mirror = request.mirror;
  source.suite = request.suite;
  source.arch = request.arch;
  llvm::Expected<debian::Suite> suite = debian::LoadSuite(store, source);
  if (!suite) return suite.takeError();
  llvm::Expected<debian::Resolution> resolution = debian::Resolve(*suite->index, request.packages, suite->where, request.exclude);
  if (!resolution) return resolution.takeError();
  nlohmann::json packages = nlohmann::json::array();
  for (const debian::Package* package : resolution->packages)
    packages.push_back({{"name", package->name.str()},
                        {"version", package->version.str()},
                        {"arch", package->architecture.str()},
                        {"filename", package->filename.str()},
                        {"size", package->size},
                        {"sha256", package->sha256.str()}});
  return nlohmann::json{
      {"release", {{"suite", suite->release.codename}, {"date", suite->release.date}, {"sha256", suite->release_sha256}}},
      {"packages", std::move(packages)}};
}

}  // namespace strata::cli
