// load: a base image from an OCI layout directory or a docker-archive tar (an artifact).
#include "compiler/graph/op_params.h"
#include "runtime/oci/image_reader.h"
#include "runtime/schedule/op_context.h"

namespace strata::schedule {

llvm::Expected<NodeOutput> RunLoad(OpContext& context) {
  if (context.inputs.size() != 1 || context.inputs[0]->IsStage())
    return OpError("load needs one artifact input");
  // ImportImage takes DIR:TAG (a layout's ref name) or FILE:REF (a docker-archive's tag).
  llvm::Expected<graph::LoadParams> params = graph::DecodeLoad(context.node);
  if (!params) return params.takeError();
  std::string tag = params->tag;
  std::string path = context.inputs[0]->path + (tag.empty() ? "" : ":" + tag);
  llvm::Expected<oci::Image> image = oci::ImportImage(context.store, path);
  if (!image) return image.takeError();
  return NodeOutput::Stage(std::move(*image));
}

}  // namespace strata::schedule
