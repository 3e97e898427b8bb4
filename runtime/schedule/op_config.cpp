// config: one image-config change (env, workdir, user, ...), no layer.
#include "compiler/graph/op_params.h"
#include "runtime/schedule/image_config.h"
#include "runtime/schedule/op_context.h"

namespace strata::schedule {

llvm::Expected<NodeOutput> RunConfig(OpContext& context) {
  if (context.inputs.size() != 1 || !context.inputs[0]->IsStage())
    return OpError("config needs one stage input");
  llvm::Expected<graph::ConfigParams> params = graph::DecodeConfig(context.node);
  if (!params) return params.takeError();
  oci::Image image = context.inputs[0]->image;
  if (llvm::Error err = ApplyConfig(image, params->field, params->value)) return err;
  return NodeOutput::Stage(std::move(image));
}

}  // namespace strata::schedule
