// copy: an artifact copied into a stage with Docker's COPY semantics, as one new layer.
#include <sys/stat.h>

#include "runtime/exec/scratch_dir.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/schedule/copy_layer.h"
#include "runtime/schedule/op_context.h"
#include "runtime/schedule/rootfs_view.h"
#include "runtime/schedule/stage_selection.h"
#include "runtime/schedule/work_dir.h"

namespace strata::schedule {

llvm::Expected<NodeOutput> RunCopy(OpContext& context) {
  if (context.inputs.size() != 2 || !context.inputs[0]->IsStage() || context.inputs[1]->IsStage())
    return OpError("copy needs a stage and an artifact");
  const NodeOutput& parent = *context.inputs[0];
  const NodeOutput& artifact = *context.inputs[1];

  CopyRequest request;
  request.source = artifact.path;
  request.name = artifact.name;
  request.local = artifact.local;
  request.keep_modes = artifact.keep_modes;
  request.local_root = artifact.local_root;
  request.local_exclude = artifact.local_exclude;
  if (artifact.local && context.local_sources != nullptr)
    request.manifest = &context.local_sources->manifest();
  llvm::Expected<graph::CopyParams> params = graph::DecodeCopy(context.node);
  if (!params) return params.takeError();
  request.extract = params->options.extract;
  request.dest = params->dest;
  request.workdir = parent.image.config.value("WorkingDir", std::string("/"));
  request.chown = params->options.chown;
  request.chmod = params->options.chmod;
  request.exclude = params->options.exclude;

  llvm::Expected<WorkDir> work = WorkDir::Create(context.store, "copy-");
  if (!work) return work.takeError();
  // A select left to this copy: listed where the stage's layer holds it when that is provably
  // what the select would copy out, else copied out here as the select would have.
  bool empty_match = artifact.empty_match;
  std::optional<StreamedSource> streamed;
  if (artifact.selection) {
    llvm::Expected<std::optional<StreamedSource>> stream =
        StreamSelection(context.store, *artifact.selection, work->Path());
    if (!stream) return stream.takeError();
    streamed = std::move(*stream);
    if (streamed) {
      request.source = streamed->path;
    } else {
      std::string select_dir = work->Path() + "/select";
      if (llvm::Error err = exec::MakeDirs(select_dir)) return err;
      llvm::Expected<CopiedOut> copied = CopyOutOfStage(context.store, artifact.selection->image,
                                                        artifact.selection->path, select_dir);
      if (!copied) return copied.takeError();
      request.source = select_dir + "/out/" + copied->relative;
      empty_match = copied->empty_match;
    }
  }
  // The plan reads the parent's metadata only, unless it resolves chown names from its
  // /etc/passwd or unpacks an archive over it.
  llvm::Expected<RootfsView> view =
      request.chown.empty() && !request.extract
          ? RootfsView::OpenListed(context.store, parent.image, work->Path())
          : RootfsView::Open(context.store, parent.image, work->Path());
  if (!view) return view.takeError();
  // The layer is listed, not staged: its files are read once, by the layer writer. A wildcard
  // that matched nothing copies nothing (BuildKit): the layer stays empty.
  llvm::Expected<std::vector<oci::TreeEntry>> entries =
      empty_match ? std::vector<oci::TreeEntry>{}
                  : PlanCopyLayer(request, view->Root(), work->Path());
  if (!entries) return entries.takeError();
  if (streamed)
    if (llvm::Error err = MapArchivedFiles(*streamed, *entries)) return err;
  if (llvm::Error err = view->Close()) return err;

  llvm::Expected<oci::LayerDescriptor> layer =
      oci::WriteLayer(context.store, *entries, context.layer);
  if (!layer) return layer.takeError();
  context.layer_size = static_cast<int64_t>(layer->size);
  oci::Image image = parent.image;
  image.layers.push_back(*layer);
  image.history.push_back({context.description, false, ""});
  return NodeOutput::Stage(std::move(image));
}

}  // namespace strata::schedule
