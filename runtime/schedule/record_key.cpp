// RecordKeys: which layer options each node depends on, and the record key that includes them.
#include "runtime/schedule/record_key.h"

#include "compiler/graph/ops.h"
#include "runtime/exec/sandbox_runner.h"
#include "runtime/store/sha256.h"

namespace strata::schedule {
namespace {

// The ops that never write a layer with the build's LayerOptions. Unknown ops are assumed to
// write one, so a new op can never share a record across options by accident.
bool WritesNoLayer(graph::Op op) {
  switch (op) {
    case graph::Op::kScratch:
    case graph::Op::kPull:
    case graph::Op::kLoad:
    case graph::Op::kLocal:
    case graph::Op::kFetch:
    case graph::Op::kText:
    case graph::Op::kConfig:
    case graph::Op::kSelect:
      return true;
    default:
      return false;
  }
}

}  // namespace

OptionUse RecordKeys::Uses(const graph::Node& node) {
  if (auto it = uses_.find(&node); it != uses_.end()) return it->second;
  // A node's output is made from its inputs' outputs, so it depends on whatever they do: a
  // stage carries its input's layers; an artifact selected from a stage holds files with the
  // layers' mtimes; a stage loaded from an artifact is that artifact's bytes.
  OptionUse use;
  for (const graph::Node* input : node.inputs()) {
    OptionUse in = Uses(*input);
    use.epoch |= in.epoch;
    use.compression |= in.compression;
    use.entries |= in.entries;
    use.step |= in.step;
  }
  // A file tree does not depend on how the layers it came from were compressed (a loaded image
  // keeps the compression its artifact has).
  if (!graph::IsStage(&node) || node.op() == graph::Op::kLoad) use.compression = false;
  // Every other op writes new layers (exec, copy, minimal, and any op added later unless it is
  // listed here): their mtimes are the epoch and their blobs are compressed.
  if (!WritesNoLayer(node.op())) use.epoch = use.compression = use.entries = true;
  if (node.op() == graph::Op::kExec) use.step = true;
  // A select copies files out of a stage's layers (even a loaded image's) with what they keep.
  if (node.op() == graph::Op::kSelect) use.entries = true;
  uses_[&node] = use;
  return use;
}

std::string RecordKeys::Of(const graph::Node& node) {
  std::string key = node.key().Hex();
  OptionUse use = Uses(node);
  if (!use.epoch && !use.compression && !use.entries && !use.step) return key;
  std::string text = "strata-record-key-v1\n" + key + "\n";
  if (use.epoch) text += "source_date_epoch=" + std::to_string(options_.source_date_epoch) + "\n";
  if (use.compression)
    text += std::string("compression=") + oci::LayerMediaType(options_.compression) +
            " level=" + std::to_string(options_.level) + "\n";
  // Records another encoder wrote (zlib's gzip before libdeflate) are not found.
  if (use.compression) text += oci::EncoderKeyLine(options_.compression);
  // Records made when layers dropped file capabilities are not found.
  if (use.entries) text += oci::LayerEntriesKeyLine();
  // Records of steps run the old way, and of what was made from them, are not found.
  if (use.step) text += exec::kStepSemanticsKeyLine;
  return store::Sha256Digest(text.data(), text.size()).substr(7, 32);
}

}  // namespace strata::schedule
