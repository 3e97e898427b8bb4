// Network steps run for their hash under the same sandbox and store as `strata build`.
#include "runtime/cli/network_lock.h"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "compiler/graph/op_params.h"
#include "compiler/graph/ops.h"
#include "runtime/cli/build_target.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/options.h"
#include "runtime/exec/runc_runner.h"
#include "runtime/schedule/executor.h"
#include "runtime/schedule/store_lease.h"
#include "runtime/schedule/work_dir.h"

namespace strata::cli {
namespace {

bool IsUnpinnedNetwork(const graph::Node* node) {
  if (node->op() != graph::Op::kExec) return false;
  llvm::Expected<graph::ExecParams> params = graph::DecodeExec(*node);
  if (!params) {
    llvm::consumeError(params.takeError());  // building it reports the error
    return false;
  }
  return params->network && params->output_sha256.empty();
}

// Whether an unpinned network step is below `node` (not counting `node` itself).
bool HasUnpinnedBelow(const graph::Node* node, std::map<const graph::Node*, bool>& memo) {
  auto it = memo.find(node);
  if (it != memo.end()) return it->second;
  bool below = false;
  for (const graph::Node* input : node->inputs())
    below |= IsUnpinnedNetwork(input) || HasUnpinnedBelow(input, memo);
  return memo[node] = below;
}

std::string Command(const graph::Node* node) {
  llvm::Expected<graph::ExecParams> params = graph::DecodeExec(*node);
  if (!params) return llvm::consumeError(params.takeError()), "";
  return params->CommandText();
}

// Stores the node record under `from` also under `to`.
llvm::Error CopyRecord(const store::Store& store, const std::string& from, const std::string& to) {
  llvm::Expected<std::optional<nlohmann::json>> record = store.GetNodeRecord(from);
  if (!record) return record.takeError();
  if (!*record)
    return llvm::createStringError(std::make_error_code(std::errc::io_error),
                                   "no record for node " + from);
  return store.PutNodeRecord(to, **record);
}

}  // namespace

std::string LockFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

std::vector<const graph::Node*> UnpinnedNetworkSteps(const std::vector<const graph::Node*>& roots) {
  std::vector<const graph::Node*> found;
  for (const graph::Node* node : graph::ReachableNodes(roots))
    if (IsUnpinnedNetwork(node)) found.push_back(node);
  return found;
}

std::string NodeLocation(const driver::Frontend& frontend, const graph::Node* node) {
  return node->origin().valid() ? frontend.Location(node->origin()) : "";
}

int LockNetworkSteps(const LockRoots& roots, const std::string& store_dir,
                     const std::string& lock_path, graph::Lockfile& lock, bool rerun,
                     const std::map<std::string, std::string>& secrets) {
  std::string before = LockFileText(lock_path);
  auto fail = [&](const std::string& message) {
    std::cerr << "strata: " << message << "\n";
    std::ofstream restore(lock_path, std::ios::binary | std::ios::trunc);
    restore << before;
    return kExitProgramError;
  };
  std::unique_ptr<store::Store> store;
  std::optional<schedule::StoreLease> lease;
  std::optional<schedule::WorkDir> sandbox;
  for (int round = 0; round < 64; ++round) {
    driver::FrontendOptions frontend_options = FrontendOptionsFor(store_dir, /*writes=*/true);
    frontend_options.lock_policy = graph::LockPolicy::kLocking;
    driver::Frontend frontend(frontend_options);
    std::vector<const graph::Node*> nodes;
    if (!roots(frontend, nodes)) {
      FinishFrontend(frontend);
      return fail("the program did not evaluate; strata.lock is unchanged");
    }
    // Every unpinned network step, and those ready now (none below them).
    std::vector<const graph::Node*> unpinned = UnpinnedNetworkSteps(nodes), ready;
    std::map<const graph::Node*, bool> memo;
    for (const graph::Node* node : unpinned)
      if (!HasUnpinnedBelow(node, memo)) ready.push_back(node);
    if (unpinned.empty()) {
      const std::set<std::string>& used = frontend.network_keys();
      std::vector<std::string> stale;
      for (const auto& [key, entry] : lock.network())
        if (!used.count(key)) stale.push_back(key);
      for (const std::string& key : stale) {
        std::cerr << "removed network step " << lock.network().at(key).value("step", key)
                  << " (no longer used)\n";
        lock.EraseNetwork(key);
      }
      if (!stale.empty())
        if (llvm::Error err = lock.Save(lock_path)) return fail(llvm::toString(std::move(err)));
      return FinishFrontend(frontend);
    }
    if (!store) {
      llvm::Expected<store::Store> opened = store::Store::Open(store_dir);
      if (!opened) return fail(llvm::toString(opened.takeError()));
      store = std::make_unique<store::Store>(std::move(*opened));
      llvm::Expected<schedule::StoreLease> acquired = schedule::StoreLease::Acquire(
          *store, schedule::StoreLease::Mode::kShared,
          [] { std::cerr << "strata: waiting for `strata gc` to finish with the store\n"; });
      if (!acquired) return fail(llvm::toString(acquired.takeError()));
      lease.emplace(std::move(*acquired));
      llvm::Expected<schedule::WorkDir> dir =
          schedule::WorkDir::Create(*store, "sandbox-" + std::to_string(::getpid()) + "-");
      if (!dir) return fail(llvm::toString(dir.takeError()));
      sandbox.emplace(std::move(*dir));
    }
    exec::RuncRunner runner(SandboxOptionsIn(sandbox->Path()));
    schedule::ExecutorOptions options;
    options.unpinned_network = true;
    options.no_cache = rerun;
    options.secrets = secrets;
    options.local_hasher = &frontend.hasher();  // what lowering saw: no second read of the tree
    for (const graph::Node* step : ready) {
      std::string where = NodeLocation(frontend, step);
      schedule::Executor executor(*store, runner, options);
      llvm::Expected<schedule::NodeOutput> built = executor.Build(step);
      if (!built)
        return fail("cannot lock the network step at " + where + ": " +
                    llvm::toString(built.takeError()));
      const oci::Image& image = built->image;
      if (image.layers.empty() || image.history.empty() || image.history.back().empty_layer)
        return fail("cannot lock the network step at " + where +
                    ": it changed no files (an empty layer has no hash)");
      std::string digest = image.layers.back().diff_id;
      // The next evaluation (the next round, or the first `strata build`) makes the pinned node
      // instead: its record is this one, so that it is not built again.
      const graph::Node* pinned = graph::PinNetworkOutput(frontend.graph(), step, digest);
      if (llvm::Error err =
              CopyRecord(*store, executor.RecordKey(*step), executor.RecordKey(*pinned)))
        return fail("cannot lock the network step at " + where + ": " +
                    llvm::toString(std::move(err)));
      lock.SetNetwork(step->key().Hex(),
                      {{"sha256", digest}, {"step", where}, {"command", Command(step)}});
      std::cerr << "locked network step " << where << " " << digest << "\n";
    }
    if (llvm::Error err = lock.Save(lock_path)) return fail(llvm::toString(std::move(err)));
  }
  return fail("network steps still unpinned after 64 rounds");
}

}  // namespace strata::cli
