// Resolving an export's target and building its pre-built inputs under a store lease.
#include "runtime/cli/export_target.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "compiler/driver/workspace.h"
#include "compiler/graph/ops.h"
#include "runtime/cli/base_images.h"
#include "runtime/cli/cancel_on_signal.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/workspace_targets.h"
#include "runtime/exec/runc_runner.h"
#include "runtime/schedule/executor.h"
#include "runtime/schedule/store_lease.h"
#include "runtime/schedule/work_dir.h"

namespace strata::cli {
namespace {

void Error(const std::string& message) { std::cerr << "strata: error: " << message << "\n"; }

// The one stage node `flags` names, or null after printing why there is none.
const graph::Node* ResolveTarget(const BuildFlags& flags, driver::Frontend& frontend) {
  std::vector<const graph::Node*> nodes;
  bool is_node = false;
  if (!flags.labels.empty()) {
    std::unique_ptr<driver::WorkspacePackages> workspace = OpenWorkspace(frontend);
    std::optional<std::vector<const driver::WorkspaceTarget*>> targets;
    if (workspace) targets = SelectTargets(*workspace, frontend, ParsePatterns(flags.labels));
    if (!targets) return FinishFrontend(frontend), nullptr;
    if (targets->size() != 1) {
      frontend.Error({}, targets->empty()
                             ? "no target matches " + flags.labels[0]
                             : std::to_string(targets->size()) +
                                   " targets match; export takes one (name one label)");
      return FinishFrontend(frontend), nullptr;
    }
    nodes.push_back((*targets)[0]->node);
    is_node = true;
  } else if (!LowerTarget(flags, frontend, nodes, &is_node)) {
    return FinishFrontend(frontend), nullptr;
  }
  if (!is_node || nodes.size() != 1 || !graph::IsStage(nodes[0])) {
    frontend.Error({}, "target '" + flags.target + "' is not a Stage" +
                           (nodes.size() > 1 ? " (it holds several; name one of them)" : ""));
    return FinishFrontend(frontend), nullptr;
  }
  if (FinishFrontend(frontend) != kExitOk) return nullptr;
  return nodes[0];
}

int ExportUncancelled(const BuildFlags& flags, const std::string& dir,
                      exporter::ExportResult& result) {
  RegistryBaseImages base_images(flags.store_dir, /*may_create_store=*/true);
  driver::Frontend frontend(BuildFrontendOptions(flags, base_images));
  const graph::Node* target = ResolveTarget(flags, frontend);
  if (!target) return kExitProgramError;

  llvm::Expected<store::Store> store = store::Store::Open(flags.store_dir);
  if (!store) return Error(llvm::toString(store.takeError())), kExitProgramError;
  llvm::Expected<schedule::StoreLease> lease = schedule::StoreLease::Acquire(
      *store, schedule::StoreLease::Mode::kShared,
      [] { std::cerr << "strata: waiting for `strata gc` to finish with the store\n"; });
  if (!lease) return Error(llvm::toString(lease.takeError())), kExitProgramError;
  llvm::Expected<schedule::WorkDir> sandbox =
      schedule::WorkDir::Create(*store, "sandbox-" + std::to_string(::getpid()) + "-");
  if (!sandbox) return Error(llvm::toString(sandbox.takeError())), kExitProgramError;

  schedule::ExecutorOptions options = ExecutorOptionsFor(flags);
  options.local_hasher = &frontend.hasher();  // copies check local files against its digests
  std::unique_ptr<schedule::ProgressSink> progress =
      schedule::MakeProgress(flags.progress, std::cerr, ::isatty(STDERR_FILENO) != 0);
  exec::RuncRunner runner(SandboxOptionsIn(sandbox->Path()));
  exporter::ExportHooks hooks;
  hooks.store = &*store;
  // Only what the Dockerfile cannot say is built here: pre-built bases, context artifacts and
  // the configs of bases (each a cache hit after its first build).
  hooks.build = [&](const graph::Node& node) -> llvm::Expected<schedule::NodeOutput> {
    schedule::Executor executor(*store, runner, options, progress.get());
    return executor.Build(&node);
  };
  llvm::Expected<exporter::ExportResult> exported = exporter::ExportDockerfile(*target, dir, hooks);
  if (!exported) {
    Error("cannot export to a Dockerfile: " + llvm::toString(exported.takeError()));
    return kExitProgramError;
  }
  for (const std::string& warning : exported->warnings)
    std::cerr << "strata: warning: " << warning << "\n";
  result = std::move(*exported);
  return kExitOk;
}

}  // namespace

int ExportTarget(const BuildFlags& flags, const std::string& dir, exporter::ExportResult& result) {
  if (!SecretFilesReadable(flags.secrets)) return kExitProgramError;
  int code = kExitOk;
  {
    CancelOnSignal cancel_on_signal;
    code = ExportUncancelled(flags, dir, result);
  }
  ExitIfCancelled();
  return code;
}

std::string PrepareExportDir(const std::string& dir) {
  std::error_code error;
  std::filesystem::file_status status = std::filesystem::status(dir, error);
  if (std::filesystem::exists(status)) {
    if (!std::filesystem::is_directory(status))
      return "'" + dir + "' exists and is not a directory";
    if (!std::filesystem::is_empty(dir, error) || error)
      return "'" + dir + "' is not empty (export fills a new or empty directory)";
    return "";
  }
  std::filesystem::create_directories(dir, error);
  if (error) return "cannot create '" + dir + "': " + error.message();
  return "";
}

}  // namespace strata::cli
