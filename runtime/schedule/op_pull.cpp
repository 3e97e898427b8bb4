// pull: a base image from a registry, pinned by digest when the lockfile gave one.
#include "compiler/graph/op_params.h"
#include "runtime/oci/registry.h"
#include "runtime/schedule/op_context.h"

namespace strata::schedule {

llvm::Expected<NodeOutput> RunPull(OpContext& context) {
  llvm::Expected<graph::PullParams> params = graph::DecodePull(context.node);
  if (!params) return params.takeError();
  std::string ref = params->ref;
  llvm::Expected<oci::PulledImage> pulled = oci::PullImage(context.store, ref, params->digest);
  if (!pulled) return OpError("cannot pull '" + ref + "': " + llvm::toString(pulled.takeError()));
  std::string architecture = pulled->image.architecture;
  NodeOutput output = NodeOutput::Stage(std::move(pulled->image));
  output.sbom = {{"pull",
                  {{"digest", pulled->digest},
                   {"manifest_digest", pulled->manifest_digest},
                   {"architecture", architecture}}}};
  return output;
}

}  // namespace strata::schedule
