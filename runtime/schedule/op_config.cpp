// config: one image-config change (env, workdir, user, ...), no layer.
#include "compiler/graph/op_params.h"
#include "runtime/schedule/image_config.h"
#include "runtime/schedule/op_context.h"

namespace strata::schedule {

llvm::Expected<NodeOutput> RunConfig(OpContext& context) {
  if (context.inputs.size() != 1 || !context.inputs[0]->IsStage()) return OpError("config needs one stage input");
  llvm::Expected<graph::ConfigParams> params = graph::DecodeConfig(context.node);
  if (!params) return params.takeError();
  const nlohmann::json* value = &params->value;
  oci::Image image = context.inputs[0]->image;
  // ONBUILD triggers live beside the config (Image::onbuild), written out as config.OnBuild.
  if (params->field == "onbuild") {
    if (!value->is_string()) return OpError("config onbuild: expected the trigger text");
    // An empty trigger is the Dockerfile frontend's marker: the base's triggers ran, drop them.
    if (value->get<std::string>().empty()) image.onbuild.clear();
    else image.onbuild.push_back(value->get<std::string>());
    return NodeOutput::Stage(std::move(image));
  }
  if (llvm::Error err = ApplyConfig(image, params->field, *value)) return err;
  return NodeOutput::Stage(std::move(image));
}

}  // namespace strata::schedule
