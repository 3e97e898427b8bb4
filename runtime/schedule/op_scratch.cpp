// scratch: the empty image.
#include "compiler/graph/op_params.h"
#include "runtime/schedule/op_context.h"

namespace strata::schedule {

llvm::Expected<NodeOutput> RunScratch(OpContext& context) {
  if (llvm::Expected<graph::ScratchParams> params = graph::DecodeScratch(context.node); !params)
    return params.takeError();
  return NodeOutput::Stage(oci::Image());
}

}  // namespace strata::schedule
