// The key a node's record is stored under: its derivation key, plus the build options that
// change its output bytes (SOURCE_DATE_EPOCH, layer compression) when it depends on them.
#pragma once

#include <string>
#include <unordered_map>

#include "compiler/graph/node.h"
#include "runtime/oci/layer_writer.h"

namespace strata::schedule {

// Which layer options a node's output bytes depend on.
struct OptionUse {
  bool epoch = false;        // file mtimes in layers (and in trees extracted from them)
  bool compression = false;  // layer blob bytes (compression and level)
  // What layers and the trees copied out of stages keep of a file besides its bytes, mode,
  // owner and link (oci::LayerEntriesKeyLine): layer writers, selects, and what stands on them.
  bool entries = false;
  // A step run in the sandbox made it or what it is made from (exec::kStepSemanticsKeyLine).
  bool step = false;
};

// Derivation keys describe what a node computes, not how its layers are encoded, so two builds
// with different --source-date-epoch or --compression must not share the records of nodes
// whose bytes those options change. Ops that write layers (exec, copy, minimal, and any op not
// known to write none) depend on both;
// every other node depends on what its inputs depend on, except that an artifact (a file tree)
// and a loaded image (its artifact's bytes) never depend on the compression. Nodes without
// such inputs (scratch, pull, fetch, local, text, a load of a local file) stay shared.
// Not thread-safe: used by one Executor::Build at a time.
class RecordKeys {
 public:
  explicit RecordKeys(const oci::LayerOptions& options) : options_(options) {}

  OptionUse Uses(const graph::Node& node);
  // The node's key (32 hex) when it uses no option; otherwise the first 32 hex digits of the
  // sha256 of the key and the values of the options it uses (the compression with its level and
  // oci::EncoderIdentity, the layer entries' version, the version of how steps run).
  std::string Of(const graph::Node& node);

 private:
  oci::LayerOptions options_;
  std::unordered_map<const graph::Node*, OptionUse> uses_;
};

}  // namespace strata::schedule
