// The typed reading of each op's params, the inverse of ops.h's Make* constructors: the runtime
// reads a node's params only through these, so a param's name and JSON type live in one place.
#pragma once

#include <llvm/Support/Error.h>

#include <optional>
#include <string>
#include <vector>

#include "compiler/graph/node.h"
#include "compiler/graph/ops.h"

namespace strata::graph {

struct ScratchParams {};

struct PullParams {
  std::string ref;
  std::string digest;  // "" when not locked
};

struct LoadParams {
  std::string tag;  // "" for the artifact's only image
};

struct LocalParams {
  std::string name;
  std::string digest;
  std::string path;  // the host path (unkeyed)
  std::vector<std::string> exclude;
  std::string exclude_base;
  bool keep_modes = false;  // {modes: "keep"}
};

struct FetchParams {
  std::string url;
  std::string sha256;
};

struct ExecParams {
  // Exactly one of them: a shell command (run through the stage's SHELL) or an argv.
  std::optional<std::string> shell;
  std::vector<std::string> argv;
  std::vector<std::string> cache;
  std::vector<CacheMount> caches;          // id filled in (the target when not given)
  std::vector<SecretMount> secrets;        // validated: non-empty ids, absolute targets
  std::vector<std::string> mount_targets;  // mount_targets[i] is the artifact inputs[i + 1]
  std::vector<bool> mount_writable;        // parallel to mount_targets: `rw` (a private copy)
  std::vector<std::string> tmpfs;
  bool network = false;
  std::string output_sha256;
  bool output_sha256_locked = false;
  std::vector<std::string> env;  // "NAME=value"

  // The command as messages and image history show it: the shell text, or the argv as JSON.
  std::string CommandText() const;
};

struct CopyParams {
  std::string dest;
  CopyOptions options;
};

struct ConfigParams {
  std::string field;
  nlohmann::json value;
};

struct SelectParams {
  std::string path;
};

struct MinimalParams {
  std::vector<std::string> executables;
};

struct TextParams {
  std::string name;
  std::string content;
};

struct DebianParams {
  DebianRequest request;
  std::string rootfs;
};

// Each returns the node's params, or an error naming the node (op and key) and the param when
// one is missing, of the wrong JSON type, or the node is of another op.
llvm::Expected<ScratchParams> DecodeScratch(const Node& node);
llvm::Expected<PullParams> DecodePull(const Node& node);
llvm::Expected<LoadParams> DecodeLoad(const Node& node);
llvm::Expected<LocalParams> DecodeLocal(const Node& node);
llvm::Expected<FetchParams> DecodeFetch(const Node& node);
llvm::Expected<ExecParams> DecodeExec(const Node& node);
llvm::Expected<CopyParams> DecodeCopy(const Node& node);
llvm::Expected<ConfigParams> DecodeConfig(const Node& node);
llvm::Expected<SelectParams> DecodeSelect(const Node& node);
llvm::Expected<MinimalParams> DecodeMinimal(const Node& node);
llvm::Expected<TextParams> DecodeText(const Node& node);
llvm::Expected<DebianParams> DecodeDebian(const Node& node);

// The one check of a secret mount, shared by the evaluator (runWith, RUN --mount=type=secret)
// and DecodeExec: "" when valid, else what is wrong with it.
std::string SecretMountProblem(const SecretMount& secret);

// The node `step` (an exec) with `output_sha256` pinned to `sha256` as strata.lock pins it
// (output_sha256_locked): the node the next evaluation with that lock makes for the step.
const Node* PinNetworkOutput(Graph& graph, const Node* step, const std::string& sha256);

}  // namespace strata::graph
