// `strata lock [-f FILE] [--arg K=V]... [--update REF]... [--update-all] [--check]`: resolve every
// `image "ref"` the program uses to a digest, every `debian` base to its package closure and
// every network step without sha256 to its output hash, and write strata.lock beside the entry
// file. In a workspace (no -f), every target of every package, into the root's strata.lock.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "compiler/driver/workspace.h"
#include "compiler/graph/lockfile.h"
#include "compiler/graph/op_params.h"
#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/debian_lock.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/network_lock.h"
#include "runtime/cli/options.h"
#include "runtime/cli/workspace_targets.h"
#include "runtime/oci/registry.h"

namespace strata::cli {
namespace {

// The refs of every pull node reachable from the program's value, sorted.
std::set<std::string> PulledRefs(const std::vector<const graph::Node*>& roots) {
  std::set<std::string> refs;
  for (const graph::Node* node : graph::ReachableNodes(roots)) {
    if (node->op() == graph::Op::kPull) {
      if (llvm::Expected<graph::PullParams> params = graph::DecodePull(*node))
        refs.insert(params->ref);
      else
        llvm::consumeError(params.takeError());  // its build reports it
    }
  }
  return refs;
}

// The roots of the program `input`.
LockRoots ProgramRoots(const ProgramInput& input) {
  return [input](driver::Frontend& frontend, std::vector<const graph::Node*>& nodes) {
    return frontend.Run(input) && frontend.CollectTargets({}, nodes);
  };
}

// Every target of the workspace around the current directory: the one lock at its root pins
// every package, as label builds read it. Each package is evaluated (the package cache holds
// keys, not the nodes a lock needs). The selection is kept alive with the nodes it names.
LockRoots WorkspaceRoots() {
  auto selection = std::make_shared<std::optional<WorkspaceSelection>>();
  return [selection](driver::Frontend& frontend, std::vector<const graph::Node*>& nodes) {
    *selection = SelectWorkspaceTargets(frontend, ParsePatterns({"//..."}));
    if (!*selection) return false;
    for (const driver::WorkspaceTarget* target : (*selection)->targets)
      nodes.push_back(target->node);
    return true;
  };
}

}  // namespace

int LockCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata lock [-f FILE] [--arg K=V]... [--update REF]... [--update-all] [--update-network] "
      "[--check]\n"
      "            [--secret id=ID,src=FILE]... [--store DIR]";
  po::options_description options("strata lock");
  AddProgramOptions(options, /*with_args=*/true);
  options.add_options()("update",
                        po::value<std::vector<std::string>>()->composing()->value_name("REF"),
                        "resolve REF again even though it is locked (repeatable)")(
      "update-all", "resolve every image and debian base again")(
      "update-network", "run every network step again and record its output hash anew")(
      "check",
      "resolve nothing: exit 1 unless every image is locked and the lock has no stale entries")(
      "secret", po::value<std::vector<std::string>>()->composing()->value_name("id=ID,src=FILE"),
      "a secret for the network steps that declare it, as they run to be locked (repeatable)")(
      "store", po::value<std::string>()->value_name("DIR"),
      "the store (for the local-source hash cache)");
  ParsedCommand parsed = ParseCommand(usage, options, args, 0);
  std::string store_dir = StoreDir(parsed.values);
  std::vector<std::string> updates;
  if (parsed.values.count("update"))
    updates = parsed.values["update"].as<std::vector<std::string>>();
  bool update_all = parsed.values.count("update-all") > 0;
  bool check = parsed.values.count("check") > 0;
  bool update_network = parsed.values.count("update-network") > 0;
  if (check && (update_all || update_network || !updates.empty()))
    throw UsageError{"--check cannot be combined with --update"};
  std::map<std::string, std::string> secrets;
  if (parsed.values.count("secret"))
    for (const std::string& text : parsed.values["secret"].as<std::vector<std::string>>()) {
      auto [id, src] = ParseSecret(text);
      secrets[id] = src;
    }
  ProgramInput input = GetProgramInput(parsed.values);
  std::error_code error;
  std::optional<std::string> workspace_root =
      !parsed.values.count("file")
          ? driver::FindWorkspaceRoot(std::filesystem::current_path(error).string())
          : std::nullopt;
  if (workspace_root && !input.args.empty())
    throw UsageError{"--arg: a workspace's packages are locked with their defaults (or use -f)"};
  LockRoots roots = workspace_root ? WorkspaceRoots() : ProgramRoots(input);
  if (!SecretFilesReadable(secrets)) return kExitProgramError;

  // A network step without a hash is what this command is here to lock: not an error.
  driver::FrontendOptions frontend_options = FrontendOptionsFor(store_dir, /*writes=*/true);
  frontend_options.lock_policy = graph::LockPolicy::kLocking;
  driver::Frontend frontend(frontend_options);
  std::vector<const graph::Node*> nodes;
  if (!roots(frontend, nodes)) return FinishFrontend(frontend);
  std::set<std::string> refs = PulledRefs(nodes);
  std::map<std::string, DebianLockRequest> debian_requests = DebianRequests(nodes);
  for (const std::string& update : updates)
    if (!refs.count(update) && !debian_requests.count(update)) {
      std::string used;
      for (const std::string& ref : refs) used += (used.empty() ? "" : ", ") + ref;
      throw UsageError{"--update " + update + ": the program uses no image \"" + update +
                       "\" (it uses: " + (used.empty() ? "none" : used) + ")"};
    }

  std::string path = workspace_root ? *workspace_root + "/strata.lock"
                                    : graph::LockfilePathFor(frontend.entry_path());
  llvm::Expected<std::optional<graph::Lockfile>> loaded = graph::Lockfile::Load(path);
  if (!loaded) {
    std::cerr << "strata: " << llvm::toString(loaded.takeError()) << "\n";
    return kExitProgramError;
  }
  graph::Lockfile old_lock = loaded->value_or(graph::Lockfile());

  if (check) {
    int problems = 0;
    for (const std::string& ref : refs)
      if (old_lock.Lookup(ref).empty()) {
        std::cerr << "strata: " << path << ": image \"" << ref << "\" is not locked\n";
        ++problems;
      }
    for (const auto& [ref, digest] : old_lock.images())
      if (!refs.count(ref)) {
        std::cerr << "strata: " << path << ": \"" << ref << "\" is locked but no longer used\n";
        ++problems;
      }
    for (const auto& [key, request] : debian_requests)
      if (old_lock.LookupDebian(key).is_null()) {
        std::cerr << "strata: " << path << ": debian \"" << key << "\" is not locked\n";
        ++problems;
      }
    for (const auto& [key, resolution] : old_lock.debian())
      if (!debian_requests.count(key)) {
        std::cerr << "strata: " << path << ": debian \"" << key
                  << "\" is locked but no longer used\n";
        ++problems;
      }
    for (const graph::Node* node : UnpinnedNetworkSteps(nodes)) {
      std::cerr << "strata: " << path << ": the network step at " << NodeLocation(frontend, node)
                << " is not locked\n";
      ++problems;
    }
    if (problems) std::cerr << "strata: run `strata lock` to update " << path << "\n";
    return problems ? kExitProgramError : kExitOk;
  }

  graph::Lockfile lock;
  bool failed = false;
  for (const std::string& ref : refs) {
    std::string old_digest = old_lock.Lookup(ref);
    bool resolve = old_digest.empty() || update_all ||
                   std::find(updates.begin(), updates.end(), ref) != updates.end();
    if (!resolve) {
      lock.Set(ref, old_digest);
      continue;
    }
    llvm::Expected<std::string> digest = oci::ResolveDigest(ref);
    if (!digest) {
      std::cerr << "strata: cannot lock image \"" << ref
                << "\": " << llvm::toString(digest.takeError()) << "\n";
      failed = true;
      continue;
    }
    lock.Set(ref, *digest);
    const char* change = old_digest.empty()      ? "locked"
                         : old_digest == *digest ? "unchanged"
                                                 : "updated";
    std::cerr << change << " " << ref << " " << *digest << "\n";
  }
  // Debian bases: resolved against the mirror's verified index (which enters the store).
  if (!debian_requests.empty()) {
    llvm::Expected<store::Store> store = store::Store::Open(store_dir);
    if (!store) {
      std::cerr << "strata: " << llvm::toString(store.takeError()) << "\n";
      return kExitProgramError;
    }
    for (const auto& [key, request] : debian_requests) {
      nlohmann::json old_resolution = old_lock.LookupDebian(key);
      bool resolve = old_resolution.is_null() || update_all ||
                     std::find(updates.begin(), updates.end(), key) != updates.end();
      if (!resolve) {
        lock.SetDebian(key, old_resolution);
        continue;
      }
      llvm::Expected<nlohmann::json> resolution = ResolveDebianLock(*store, request);
      if (!resolution) {
        std::cerr << "strata: cannot lock debian \"" << key
                  << "\": " << llvm::toString(resolution.takeError()) << "\n";
        failed = true;
        continue;
      }
      const char* change = old_resolution.is_null()        ? "locked"
                           : old_resolution == *resolution ? "unchanged"
                                                           : "updated";
      std::cerr << change << " debian " << key << " (" << (*resolution)["packages"].size()
                << " packages, " << (*resolution)["release"]["date"].get<std::string>() << ")\n";
      lock.SetDebian(key, std::move(*resolution));
    }
  }
  // Recorded network hashes stay (LockNetworkSteps drops those no step uses).
  if (!update_network)
    for (const auto& [key, entry] : old_lock.network()) lock.SetNetwork(key, entry);
  // All or nothing: a failed resolution leaves the old lock as it was.
  if (failed) return kExitProgramError;
  for (const auto& [ref, digest] : old_lock.images())
    if (!refs.count(ref)) std::cerr << "removed " << ref << " (no longer used)\n";
  if (!*loaded || LockFileText(path) != lock.Serialize()) {
    if (llvm::Error error = lock.Save(path)) {
      std::cerr << "strata: " << llvm::toString(std::move(error)) << "\n";
      return kExitProgramError;
    }
  }
  // Network steps last: their keys depend on the bases locked above.
  if (int code = LockNetworkSteps(roots, store_dir, path, lock, update_network, secrets);
      code != kExitOk)
    return code;
  std::cout << path << "\n";
  return kExitOk;
}

}  // namespace strata::cli
