// What an op executor gets (the node, its inputs' outputs, the store, the sandbox) and the
// one function per op that turns them into the node's output.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "compiler/graph/node.h"
#include "compiler/graph/op_params.h"
#include "runtime/exec/sandbox_runner.h"
#include "runtime/schedule/executor.h"
#include "runtime/schedule/node_output.h"
#include "runtime/store/store.h"

namespace strata::schedule {

struct OpContext {
  const store::Store& store;
  exec::SandboxRunner& runner;
  const ExecutorOptions& options;
  const graph::Node& node;
  std::vector<const NodeOutput*> inputs;     // in the node's input order
  std::string key;                           // the node's key, 32 hex
  std::string description;                   // Describe(node)
  std::function<void(llvm::StringRef)> log;  // one output line to the progress view
  int64_t layer_size = -1;                   // set by ops that add a layer
  LocalSources* local_sources = nullptr;     // the build's (executor.h, local_hasher)
  // How this node writes its layer: the build's options, deferred (plain tar) unless the
  // layer is in a target's image (Executor::BuildAll).
  oci::LayerOptions layer;
};

llvm::Expected<NodeOutput> RunScratch(OpContext& context);
llvm::Expected<NodeOutput> RunPull(OpContext& context);
llvm::Expected<NodeOutput> RunLoad(OpContext& context);
llvm::Expected<NodeOutput> RunLocal(OpContext& context);
llvm::Expected<NodeOutput> RunFetch(OpContext& context);
llvm::Expected<NodeOutput> RunExec(OpContext& context);
llvm::Expected<NodeOutput> RunCopy(OpContext& context);
llvm::Expected<NodeOutput> RunConfig(OpContext& context);
llvm::Expected<NodeOutput> RunSelect(OpContext& context);
llvm::Expected<NodeOutput> RunMinimal(OpContext& context);
llvm::Expected<NodeOutput> RunText(OpContext& context);
llvm::Expected<NodeOutput> RunDebian(OpContext& context);

// An error with a plain message (std::errc::invalid_argument).
llvm::Error OpError(const std::string& message);

// The directory name of a cache mount under <store>/cache/: injective, one path segment.
std::string CacheDirName(const std::string& target);

}  // namespace strata::schedule
