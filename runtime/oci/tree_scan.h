// Walks a rootfs diff directory into the sorted list of tar entries of its OCI layer.
#pragma once

#include <llvm/Support/Error.h>
#include <sys/stat.h>

#include <string>
#include <vector>

namespace strata::oci {

enum class EntryKind { kFile, kDir, kSymlink, kHardlink, kFifo, kCharDevice, kBlockDevice };

struct TreeEntry {
  std::string tar_path;     // Relative, no "./" prefix, no trailing "/".
  std::string source_path;  // Absolute path to read for kFile; empty for synthesized entries.
  EntryKind kind = EntryKind::kFile;
  uint32_t mode = 0;  // Permission bits incl. setuid/setgid/sticky (07777).
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;  // kFile only.
  uint32_t rdev_major = 0;
  uint32_t rdev_minor = 0;
  std::string link;  // Symlink target, or the tar_path a hard link points to.
  // kFile from the user's local files: the XXH3-128 of the bytes lowering put into the key. The
  // reader (the layer writer, a mount's snapshot) hashes the file as it reads it and fails on a
  // difference, so a file edited during the build never reaches a layer cached under that key.
  bool check_content = false;
  uint64_t content_high = 0, content_low = 0;
  // With check_content: the lstat 07777 bits lowering saw. The COPY's plan takes a file's kind,
  // mode and size from lowering's record instead of an lstat, so the reader checks them on the
  // file it opened (CheckOpenedSource).
  uint32_t source_mode = 0;
  // kFile: the raw security.capability xattr (file_capability.h), "" for none.
  std::string capability;
  // kFile whose bytes are `size` bytes at this offset of source_path (a plain layer tar the
  // entry is streamed from, schedule/stage_selection.h), not the whole file.
  bool source_in_archive = false;
  uint64_t source_offset = 0;
};

// The error for a checked file whose bytes are not the ones the key covers.
llvm::Error ChangedDuringBuild(const std::string& path);

// For a checked file (check_content) opened as `fd`: still a regular file with lowering's mode
// bits and the listed size, else ChangedDuringBuild. One fstat on the open file.
llvm::Error CheckOpenedSource(int fd, const TreeEntry& entry);

// Scans `root` (not following symlinks; the root itself is not an entry) and returns entries
// sorted by tar_path bytes. Overlayfs conventions become OCI whiteouts:
//   a character device 0/0 NAME          -> empty regular file .wh.NAME (mode 0600)
//   a directory with xattr trusted.overlay.opaque=y (or user.overlay.opaque=y)
//                                        -> the directory plus an empty DIR/.wh..wh..opq
// Regular files sharing an inode become one file (the first path in order) plus hard links.
// A regular file's security.capability is kept (file_capability.h); no other xattr is.
// Sockets are skipped, as Docker and BuildKit do.
llvm::Expected<std::vector<TreeEntry>> ScanTree(const std::string& root);

}  // namespace strata::oci
