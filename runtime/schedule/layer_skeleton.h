// A layer's tree without its file contents: what a COPY's plan reads from a stage (kinds,
// modes, owners, sizes, link targets), made from the layer's listing instead of extracting it.
#pragma once

#include <llvm/Support/Error.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/oci/layer_writer.h"
#include "runtime/oci/tar_index.h"
#include "runtime/store/store.h"

namespace strata::schedule {

// Creates `entries` (tar order, paths relative) under the existing directory `root` as
// oci::ExtractLayer would, except that regular files are empty and sparse at their size:
// directories, symlinks, hard links, fifos and devices with the entries' owners and modes;
// `.wh.NAME` a 0/0 character device NAME and `DIR/.wh..wh..opq` the opaque xattr on DIR (the
// overlayfs form). Nothing in it may be read for its bytes. Returns false, with the skeleton
// left incomplete, when an entry is not a plain relative path whose parent is a directory this
// skeleton made (no `..`, no absolute path, nothing through a symlink: a tar from elsewhere),
// when a hard link names a file it did not make, or when a file system call fails: the caller
// then extracts the layer, which checks and reports all of that. `under`: a relative path of
// directories the caller made under `root` for entries that start below it.
bool MakeLayerSkeleton(const std::string& root,
                       const std::vector<const oci::TarIndexEntry*>& entries,
                       const std::string& under = "");

// The listing of `layer` without decompressing it: the entries of a layer this process wrote
// (oci::RememberedListing), else the index of its plain tar when the store holds one (a
// deferred layer, or a compressed one whose tar is also stored); null when neither is known.
llvm::Expected<std::shared_ptr<const std::vector<oci::TarIndexEntry>>> LayerListing(
    const store::Store& store, const oci::LayerDescriptor& layer);

}  // namespace strata::schedule
