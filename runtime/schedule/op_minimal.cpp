// minimal: executables and their ELF closure on scratch (not implemented yet).
#include "runtime/schedule/op_context.h"

namespace strata::schedule {

llvm::Expected<NodeOutput> RunMinimal(OpContext& context) {
  return OpError("minimal is not implemented yet: copy the executables and their libraries with copy");
}

}  // namespace strata::schedule
