// scratch: the empty image.
#include "runtime/schedule/op_context.h"

namespace strata::schedule {

llvm::Expected<NodeOutput> RunScratch(OpContext& context) { return NodeOutput::Stage(oci::Image()); }

}  // namespace strata::schedule
