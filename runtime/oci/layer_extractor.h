// Unpacks layer blobs into directories in overlayfs form, for use as overlay lower dirs and
// for reading files out of a stage.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

#include "runtime/oci/layer_writer.h"
#include "runtime/store/store.h"

namespace strata::oci {

// Extracts the layer (gzip, zstd or uncompressed) to <store>/layers/<diff_id hex>/ and returns
// that path; a second call returns it at once. The directory appears atomically (extracted in
// tmp/, then renamed). OCI whiteouts become overlayfs whiteouts: `.wh.NAME` → a character
// device 0/0 named NAME, `DIR/.wh..wh..opq` → xattr trusted.overlay.opaque=y on DIR. Owners,
// modes, symlinks, hard links and mtimes are kept. An entry that would land outside the
// directory (`..`, an absolute path, a path through a symlink) is refused with an error that
// names it, and nothing is published. The diff_id of the uncompressed stream is verified.
llvm::Expected<std::string> ExtractLayer(const store::Store& store, const LayerDescriptor& layer);

}  // namespace strata::oci
