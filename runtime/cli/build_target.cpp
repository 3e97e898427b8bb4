// Evaluating the program, building its target stage and writing the image into the store.
#include "runtime/cli/build_target.h"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "compiler/driver/workspace.h"
#include "compiler/graph/op_params.h"
#include "compiler/graph/ops.h"
#include "runtime/cli/base_images.h"
#include "runtime/cli/cancel_on_signal.h"
#include "runtime/cli/label_noop.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/workspace_targets.h"
#include "runtime/exec/runc_runner.h"
#include "runtime/schedule/deferred_layers.h"
#include "runtime/schedule/executor.h"
#include "runtime/schedule/registry_cache.h"
#include "runtime/schedule/store_lease.h"
#include "runtime/schedule/work_dir.h"

namespace strata::cli {
namespace {

void Error(const std::string& message) { std::cerr << "strata: error: " << message << "\n"; }

int BuildTargetUncancelled(const BuildFlags& flags,
                           const std::function<int(const BuiltImage&)>& then) {
  if (!SecretFilesReadable(flags.secrets)) return kExitProgramError;
  if (std::optional<int> code = TryWarmNoOp(flags)) return *code;

  RegistryBaseImages base_images(flags.store_dir, /*may_create_store=*/true);
  driver::Frontend frontend(BuildFrontendOptions(flags, base_images));
  std::vector<const graph::Node*> nodes;
  std::vector<std::string> labels;  // a label build: each node's label
  bool is_node = false;
  if (!flags.labels.empty()) {
    // Every package evaluated (the build needs the nodes), and stored in the package cache
    // for the next no-op (label_noop.h).
    std::optional<WorkspaceSelection> selection = SelectWorkspaceTargets(
        frontend, ParsePatterns(flags.labels), &flags.store_dir, /*lookup=*/false);
    if (!selection) return FinishFrontend(frontend);
    for (const driver::WorkspaceTarget* target : selection->targets) {
      nodes.push_back(target->node);
      labels.push_back(target->Label());
    }
    if (nodes.empty())
      frontend.Error({}, "no target matches " + flags.labels[0]);
    else if (flags.one_target && nodes.size() > 1)
      frontend.Error({}, std::to_string(nodes.size()) +
                             " targets match; -o and --sbom take one (name one label)");
    is_node = nodes.size() == 1;
    if (int code = FinishFrontend(frontend); code != kExitOk) return code;
  } else if (!LowerTarget(flags, frontend, nodes, &is_node)) {
    return FinishFrontend(frontend);
  }
  if (!labels.empty()) {
    // Every target of a workspace is a stage (WorkspacePackages keeps only those).
  } else if (!is_node || nodes.size() != 1 || !graph::IsStage(nodes[0])) {
    frontend.Error({}, "target '" + flags.target + "' is not a Stage" +
                           (nodes.size() > 1 ? " (it holds several; name one of them)" : ""));
    return FinishFrontend(frontend);
  }
  if (int code = FinishFrontend(frontend); code != kExitOk) return code;  // prints warnings, if any

  llvm::Expected<store::Store> store = store::Store::Open(flags.store_dir);
  if (!store) {
    Error(llvm::toString(store.takeError()));
    return kExitProgramError;
  }
  llvm::Expected<schedule::StoreLease> lease = schedule::StoreLease::Acquire(
      *store, schedule::StoreLease::Mode::kShared,
      [] { std::cerr << "strata: waiting for `strata gc` to finish with the store\n"; });
  if (!lease) {
    Error(llvm::toString(lease.takeError()));
    return kExitProgramError;
  }
  // This build's runc state and bundles: a later command that finds the dir unlocked knows
  // the build is dead, and kills and unmounts what it left (CleanStaleWorkDirs, which this
  // command already ran on the store in FrontendOptionsFor).
  llvm::Expected<schedule::WorkDir> sandbox =
      schedule::WorkDir::Create(*store, "sandbox-" + std::to_string(::getpid()) + "-");
  if (!sandbox) {
    Error(llvm::toString(sandbox.takeError()));
    return kExitProgramError;
  }

  schedule::ExecutorOptions options = ExecutorOptionsFor(flags);
  options.local_hasher = &frontend.hasher();  // copies check local files against its digests
  // --no-cache runs every node: it asks no remote cache either.
  std::optional<schedule::RegistryCache> remote_cache;
  if (!flags.cache_from.empty() && !flags.no_cache) {
    remote_cache.emplace(*store, flags.cache_from, [](const std::string& message) {
      std::cerr << "strata: warning: " << message << "\n";
    });
    options.remote_cache = &*remote_cache;
  }
  std::unique_ptr<schedule::ProgressSink> progress =
      schedule::MakeProgress(flags.progress, std::cerr, ::isatty(STDERR_FILENO) != 0);
  exec::RuncRunner runner(SandboxOptionsIn(sandbox->Path()));
  // A corrupt blob found on the way (extracting a layer, or checking the image before it
  // leaves the store) is removed; building again then rebuilds or refetches what it held.
  // Each round removes at least one blob, so this ends.
  // All targets in one plan (Executor::BuildAll): what they share is built once, and
  // independent nodes run in parallel whichever target they belong to.
  std::vector<schedule::NodeOutput> outputs;
  std::vector<oci::WrittenImage> written;
  std::vector<std::string> record_keys;
  // Compressed forms of deferred layers, per target: kept by the root (and by a no-op's).
  std::vector<std::vector<std::string>> memo_keys;
  for (;;) {
    size_t corrupt_before = store->CorruptBlobsRemoved();
    schedule::Executor executor(*store, runner, options, progress.get());
    record_keys.clear();
    for (const graph::Node* node : nodes) record_keys.push_back(executor.RecordKey(*node));
    llvm::Error err = [&]() -> llvm::Error {
      llvm::Expected<std::vector<schedule::NodeOutput>> built = executor.BuildAll(nodes);
      if (!built) return built.takeError();
      outputs = std::move(*built);
      written.clear();
      memo_keys.assign(outputs.size(), {});
      for (size_t n = 0; n < outputs.size(); ++n) {
        schedule::NodeOutput& output = outputs[n];
        // The image leaves the store: its deferred layers get the build's compression. An
        // image that stays keeps them as plain tar; its manifest (written all the same, for the
        // built-image index and gc) names the tars and never leaves the store.
        if (flags.image_leaves_store && schedule::HasDeferredLayers(output.image)) {
          llvm::Expected<oci::Image> compressed =
              schedule::CompressDeferredLayers(*store, output.image, options.layer, &memo_keys[n]);
          if (!compressed) return compressed.takeError();
          output.image = std::move(*compressed);
        }
        llvm::Expected<oci::WrittenImage> image =
            oci::WriteImage(*store, output.image, flags.source_date_epoch);
        if (!image) return image.takeError();
        written.push_back(std::move(*image));
        if (flags.check_blobs)
          for (const oci::LayerDescriptor& layer : output.image.layers)
            if (llvm::Error bad = store->CheckBlob(layer.digest)) return bad;
      }
      return llvm::Error::success();
    }();
    if (!err) break;
    if (store->CorruptBlobsRemoved() == corrupt_before) {
      // A debian base fails on what the program named (a package, a suite): point at its call.
      const graph::Node* failed = executor.failed_node();
      // So does a network step (its hash is the program's or strata.lock's).
      bool network_step = false;
      if (failed && failed->op() == graph::Op::kExec) {
        if (llvm::Expected<graph::ExecParams> params = graph::DecodeExec(*failed))
          network_step = params->network;
        else
          llvm::consumeError(params.takeError());
      }
      // And a copy (COPY, ADD, a Dockerfile's WORKDIR) that the stage's files refuse: its line.
      bool copy_step = failed && failed->op() == graph::Op::kCopy;
      if (failed && (failed->op() == graph::Op::kDebian || network_step || copy_step) &&
          failed->origin().valid()) {
        llvm::consumeError(std::move(err));
        frontend.PrintError(std::cerr, failed->origin(), executor.failed_message());
        return kExitProgramError;
      }
      // Any other step the program or Dockerfile wrote (a RUN's exit status, a USER its image
      // lacks): the whole error, which names the node, at the step's line.
      if (failed && failed->origin().valid()) {
        frontend.PrintError(std::cerr, failed->origin(), llvm::toString(std::move(err)));
        return kExitProgramError;
      }
      Error(llvm::toString(std::move(err)));
      return kExitProgramError;
    }
    std::cerr << "strata: warning: " << llvm::toString(std::move(err)) << "\n"
              << "strata: building again without it\n";
  }
  if (remote_cache && remote_cache->hits() > 0)
    std::cerr << "strata: remote cache: " << remote_cache->hits() << " node(s) fetched, "
              << schedule::HumanSize(static_cast<int64_t>(remote_cache->bytes_fetched()))
              << " downloaded\n";
  // Every target's root for gc, in one file (WriteRoots: one fsync for 10,000 targets too).
  std::vector<schedule::RootRecord> roots(nodes.size());
  for (size_t n = 0; n < nodes.size(); ++n) {
    roots[n].key = record_keys[n];
    roots[n].node = nodes[n]->key().Hex();
    roots[n].time = static_cast<int64_t>(std::time(nullptr));
    roots[n].blobs = {written[n].manifest_digest, written[n].config_digest};
  }
  std::vector<std::string> all_memos;
  for (const std::vector<std::string>& keys : memo_keys)
    all_memos.insert(all_memos.end(), keys.begin(), keys.end());
  schedule::AppendMemoRoots(roots, std::move(all_memos));
  if (llvm::Error err = schedule::WriteRoots(*store, roots)) {
    Error(llvm::toString(std::move(err)));
    return kExitProgramError;
  }
  for (size_t n = 0; n < nodes.size(); ++n) {
    const graph::Node* node = nodes[n];
    if (!labels.empty())
      RememberBuiltImage(flags, roots[n].node, roots[n].key, written[n].manifest_digest,
                         written[n].config_digest, memo_keys[n]);
    int code = then(BuiltImage{*store, outputs[n].image, written[n], runner, *node, options,
                               labels.empty() ? "" : labels[n]});
    if (code != kExitOk) return code;
  }
  return kExitOk;
}

}  // namespace

int BuildTarget(const BuildFlags& flags, const std::function<int(const BuiltImage&)>& then) {
  int code = kExitOk;
  {
    CancelOnSignal cancel_on_signal;
    code = BuildTargetUncancelled(flags, then);
  }
  ExitIfCancelled();
  return code;
}

}  // namespace strata::cli
