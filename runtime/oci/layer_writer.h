// Writes a directory tree (a rootfs diff) as one reproducible OCI layer blob in the store.
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <string>

#include "runtime/oci/compressor.h"
#include "runtime/oci/tree_scan.h"
#include "runtime/store/store.h"

namespace strata::oci {

struct LayerOptions {
  Compression compression = Compression::kGzip;
  int64_t source_date_epoch = 0;  // Every entry's mtime; no atime/ctime are written.
  int threads = 0;                // Compression threads; 0 = one per core.
  int level = -1;                 // -1 = default (gzip 6, zstd 3).
  // Store the plain tar (digest = diff_id) and mark the layer deferred: it is compressed with
  // `compression` and `level` only when an image holding it leaves the build
  // (schedule/deferred_layers.h). Ignored with Compression::kNone.
  bool defer = false;
};

struct LayerDescriptor {
  std::string digest;      // "sha256:..." of the compressed blob (its store name).
  std::string diff_id;     // "sha256:..." of the uncompressed tar.
  uint64_t size = 0;       // Compressed size in bytes.
  std::string media_type;  // application/vnd.oci.image.layer.v1.tar[+gzip|+zstd]
  // Stored as the plain tar (digest == diff_id, media type ...tar) in place of the build's
  // compression, which an image writer applies on demand (LayerOptions::defer).
  bool deferred = false;
};

// Tar format: POSIX pax ("restricted": plain ustar headers unless a field needs an extended
// header, e.g. a path over 100/255 bytes or a uid over 2097151), as Go's archive/tar writes for
// Docker and BuildKit; no record padding after the end-of-archive blocks. Entries are sorted by
// path bytes; uid/gid/mode as on disk, no uname/gname, no atime/ctime/dev/ino; see ScanTree
// for whiteouts and hard links. The tar, its compression and both digests are produced in one
// pass over the files, and the blob is published atomically.
llvm::Expected<LayerDescriptor> WriteLayer(const store::Store& store, const std::string& dir,
                                           const LayerOptions& options);

// The same, from entries already listed (sorted by tar_path bytes, as ScanTree returns them):
// a COPY lists the files where they are, so they are read once, straight into the tar, with
// no staged copy of the tree.
llvm::Expected<LayerDescriptor> WriteLayer(const store::Store& store,
                                           const std::vector<TreeEntry>& entries,
                                           const LayerOptions& options);

// The same stream written to any sink (used by WriteLayer and by tests). `diff_id` receives the
// digest of the uncompressed tar.
llvm::Error WriteLayerStream(const std::string& dir, const LayerOptions& options, ByteSink& out,
                             std::string& diff_id);
llvm::Error WriteLayerStream(const std::vector<TreeEntry>& entries, const LayerOptions& options,
                             ByteSink& out, std::string& diff_id);

// What layer entries (and trees copied out of stages) keep of a file besides its path, bytes,
// mode, owner and link target, as a line of the keys of what is stored from them (node records,
// built-image entries): records of a binary that kept less are not found, so a warm build never
// returns them where a fresh one keeps more. "layer-entries=2\n": file capabilities
// (file_capability.h); "layer-entries=3\n": also hard links among the names of a copy's source
// or a selection out of a stage (as BuildKit keeps them); before that line existed, nothing
// more.
std::string LayerEntriesKeyLine();

}  // namespace strata::oci
