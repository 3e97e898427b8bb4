// local: the user's files, used where they are (their content is the node's key).
#include <sys/stat.h>

#include "compiler/graph/op_params.h"
#include "compiler/support/errno_error.h"
#include "runtime/schedule/op_context.h"

namespace strata::schedule {

llvm::Expected<NodeOutput> RunLocal(OpContext& context) {
  llvm::Expected<graph::LocalParams> params = graph::DecodeLocal(context.node);
  if (!params) return params.takeError();
  std::string path = params->path;
  if (path.empty()) return OpError("local node without a path");
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    return support::ErrnoError(errno, "local source is gone", path);
  // The consumers check what they read against what lowering hashed: the source must be the
  // one the key describes, with its entries in the manifest.
  if (context.local_sources != nullptr)
    if (llvm::Error err = context.local_sources->Confirm(*params)) return err;
  NodeOutput output = NodeOutput::Artifact(path, /*local=*/true);
  output.keep_modes = params->keep_modes;
  if (!params->exclude.empty()) {
    // A path narrowed out of a filtered source (graph::SelectPath) matches the patterns from
    // the source's root: PATH = ROOT/exclude_base.
    const std::string& base = params->exclude_base;
    output.local_root = path;
    if (!base.empty() && path.size() > base.size() + 1 &&
        path.compare(path.size() - base.size(), base.size(), base) == 0)
      output.local_root = path.substr(0, path.size() - base.size() - 1);
    output.local_exclude = params->exclude;
  }
  return output;
}

}  // namespace strata::schedule
