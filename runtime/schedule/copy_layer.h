// Docker's COPY semantics: the layer tree that copying an artifact into an image produces.
#pragma once

#include <llvm/Support/Error.h>
#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "runtime/oci/tree_scan.h"

namespace strata::graph {
class LocalManifest;
}

namespace strata::schedule {

struct CopyRequest {
  std::string source;       // host path of the artifact: a file, directory or symlink
  std::string name;         // the file's name in a directory dest, when not source's base name
  bool local = false;       // the user's files: modes normalised, `.git` skipped
  bool keep_modes = false;  // local files whose modes are kept as on disk (not normalised)
  std::string dest;         // as written; relative to workdir; "dir/" means "into dir"
  std::string workdir = "/";
  std::string chown;  // "user[:group]" (names from the image's /etc/passwd, /etc/group)
  std::string chmod;  // octal, e.g. "755"
  std::vector<std::string> exclude;  // .dockerignore-style patterns relative to the source
  // A local artifact's own .dockerignore patterns and the root they are relative to.
  std::string local_root;
  std::vector<std::string> local_exclude;
  // ADD of a local tar archive (plain, gzip, bzip2, xz or zstd): its entries are unpacked into
  // dest (a directory), keeping their owners (unless chown) and modes, through the image's
  // symlinks as Docker's untar does (extract_archive.h); an entry whose `..` climbs out of
  // dest or a hard link out of it is an error.
  bool extract = false;
  // For local files: what lowering hashed (the build's LocalSources). When it holds the source,
  // the copy takes only what it recorded, and files carry their digests for the reader to
  // check (root_path.h, CopyRules::manifest); an archive ADD unpacks must keep its identity.
  const graph::LocalManifest* manifest = nullptr;
};

// Lists what the copy adds to the image whose merged rootfs is `parent_root` (read only), as
// layer entries sorted for oci::WriteLayer; regular files point at the source's own files, so
// nothing is copied (only an ADD of an archive unpacks it, into `scratch_dir`, an existing
// directory that must outlive the entries):
// - a directory source has its CONTENTS copied; a file goes to dest, or into dest when dest ends
//   in '/' or is a directory in the parent image (its symlinks resolved inside the image);
// - missing parent directories are created 0755 (owned by the chown user, else root); existing
//   ones are included with their owner and mode as in the parent, so the layer changes nothing
//   about them;
// - entries get uid/gid 0 (or the chown ids, ResolveChown); modes are kept (normalised for
//   local sources), or set by chmod (permission bits only); symlinks inside the source are
//   copied as symlinks and never followed;
// - a directory does not replace a file or symlink of the parent image, nor a file or symlink
//   a directory: an error, as in BuildKit (a file or symlink replaces a file or symlink).
llvm::Expected<std::vector<oci::TreeEntry>> PlanCopyLayer(const CopyRequest& request,
                                                          const std::string& parent_root,
                                                          const std::string& scratch_dir);

// Resolves "user[:group]" against the rootfs's /etc/passwd and /etc/group, by BuildKit's rules
// (copy_layer.cpp has them: a name the file lacks is not an error).
llvm::Expected<std::pair<uid_t, gid_t>> ResolveChown(const std::string& spec,
                                                     const std::string& root);

}  // namespace strata::schedule
