// ADD of a local tar archive: its entries unpacked as Docker's untar (which BuildKit runs)
// unpacks them over an image's directory.
#pragma once

#include <llvm/Support/Error.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace strata::schedule {

struct ExtractRequest {
  std::string archive;    // host path of the tar (plain, gzip, bzip2, xz or zstd)
  std::string dest;       // the destination as written, for messages
  std::string unpacked;   // an existing empty directory: the layer's files under dest go here
  std::string view_base;  // dest's directory in the parent image (host path; may not exist)
  std::optional<std::pair<uid_t, gid_t>> chown;
  std::optional<mode_t> chmod;  // permission bits for every entry but symlinks
  // A local archive's XXH3-128 (high, low) as lowering put it into the key: every byte of the
  // file is hashed as it is read (to its end, past the tar's end-of-archive blocks) and a
  // difference fails the step with oci::ChangedDuringBuild, so an archive rewritten after
  // lowering is never unpacked under the old key, even where its size, inode and times (whole
  // seconds on some file systems) stay the same.
  std::optional<std::pair<uint64_t, uint64_t>> content;
};

// Unpacks the archive into `unpacked` as if over `view_base` with `unpacked` laid on top (the
// image as the layer leaves it), chrooted at the destination: an entry's parent path resolves
// through the symlinks of that view (the archive's own ones and the image's; absolute targets
// and `..` stay inside the destination), so an entry under a symlink lands in its target's
// directory; a parent that is missing is created (0755, root) unless a symlink's target is
// missing (an error, as Docker's untar gives "no such file or directory"); an entry meets an
// existing path as in Docker: two directories merge, anything else is replaced. An entry whose
// `..` climbs out of the destination, or a hard link out of it, is an error.
// The directories made on the way that the image has take its owner and mode, so the layer
// does not change them.
llvm::Error ExtractArchive(const ExtractRequest& request);

}  // namespace strata::schedule
