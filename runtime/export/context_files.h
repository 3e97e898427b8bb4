// Files of an exported build context: an artifact laid out as Docker's COPY would copy it, and
// a pre-built stage's layers as archives that ADD unpacks.
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

#include "runtime/oci/image.h"
#include "runtime/schedule/node_output.h"
#include "runtime/store/store.h"

namespace strata::exporter {

// Writes the files a copy of `artifact` to "/" would add (schedule::PlanCopyLayer: local
// sources with normalised modes and without `.git` or ignored entries) under `dir`, which must
// not exist; `exclude` and `chmod` are the copy's own (applied here, so the COPY needs neither
// flag: a context file's mode is what COPY gives it). Returns the name the files have in `dir`
// (the artifact's name for a file or symlink; "" for a directory, whose contents are `dir`).
llvm::Expected<std::string> WriteArtifact(const schedule::NodeOutput& artifact,
                                          const std::vector<std::string>& exclude,
                                          const std::string& chmod, const std::string& dir);

// Copies the image's layer blobs into `dir` (created) as layer-N.tar[.gz], bottom first, and
// returns their names. A layer holding a whiteout (a deletion of a lower layer's file) cannot
// be unpacked by ADD, nor a zstd one by older engines: both are errors.
llvm::Expected<std::vector<std::string>> WriteLayers(const store::Store& store,
                                                     const oci::Image& image,
                                                     const std::string& dir);

}  // namespace strata::exporter
