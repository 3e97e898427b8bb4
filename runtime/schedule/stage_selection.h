// A select of a stage's path that only copies consume: the copies read it from the stage's
// layers themselves instead of from an artifact directory published in the store.
#pragma once

#include <llvm/Support/Error.h>

#include <optional>
#include <string>
#include <vector>

#include "runtime/oci/image.h"
#include "runtime/oci/tree_scan.h"
#include "runtime/store/store.h"

namespace strata::schedule {

// What such a select stands for (NodeOutput::selection): the path as the select node names
// it, in the stage's image.
struct StageSelection {
  oci::Image image;
  std::string path;
};

// What select copies out of a stage's merged rootfs for `path` (its copy rules, wildcards and
// all), written under `work_dir`/out: the artifact's path relative to that directory and
// whether a wildcard matched nothing. RunSelect publishes it; a copy of an unpublished
// selection that cannot stream reads it in place.
struct CopiedOut {
  std::string relative;
  bool empty_match = false;
};
llvm::Expected<CopiedOut> CopyOutOfStage(const store::Store& store, const oci::Image& image,
                                         const std::string& path, const std::string& work_dir);

// The fast path: when the selected path is a directory or regular file that exactly one layer
// holds — no symlink on the way, nothing of it in any other layer, no whiteout, hard link or
// special file under it, every layer above leaving its parents plain directories — and that
// layer is a plain tar blob (a deferred layer) or already extracted, the copy lists it where
// it lies. From a tar, a skeleton of the tree (directories, symlinks, empty sparse files with
// the tar's modes and owners) is made under `work_dir`/skeleton for the copy's plan, and
// MapArchivedFiles then points each planned file at its bytes in the tar. Nothing is
// extracted or copied, and the layer has the same entries, order and metadata as the slow
// path's, as its plan reads the same modes, sizes and link targets.
// Returns nullopt (the caller takes the slow path) when any condition does not hold.
struct StreamedSource {
  std::string path;  // the artifact as select would have published it
  std::string skeleton_root;
  std::string tar;  // the layer tar the skeleton's files are in, if any
  // Skeleton file path -> offset of its bytes in `tar`.
  std::vector<std::pair<std::string, uint64_t>> files;
};
llvm::Expected<std::optional<StreamedSource>> StreamSelection(const store::Store& store,
                                                              const StageSelection& selection,
                                                              const std::string& work_dir);

// Points the planned entries of skeleton files at their bytes in the tar; an error if a file
// of the skeleton is not a known one (it would read as zeros).
llvm::Error MapArchivedFiles(const StreamedSource& source, std::vector<oci::TreeEntry>& entries);

}  // namespace strata::schedule
