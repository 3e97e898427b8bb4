// The entries of a plain (uncompressed) layer tar with where each file's bytes lie, read from
// its headers alone: a COPY out of a stage's deferred layer streams files from the tar itself.
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/oci/tree_scan.h"

namespace strata::oci {

struct TarIndexEntry {
  std::string path;  // as in the tar: relative, no "./" prefix, no trailing "/"
  EntryKind kind = EntryKind::kFile;
  uint32_t mode = 0;  // 07777 bits
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;                        // kFile
  uint64_t data_offset = 0;                 // kFile: where its bytes start in the tar
  std::string link;                         // symlink target or hard link's path
  uint32_t rdev_major = 0, rdev_minor = 0;  // devices
  std::string capability;                   // kFile: security.capability (file_capability.h)
};

// Reads the headers of the ustar/pax tar at `path` (what WriteLayer writes: ustar headers and
// pax 'x' records for path, linkpath, size, uid, gid and SCHILY.xattr.security.capability),
// seeking over file data; a GNU-format header's name is its name field alone, as libarchive
// reads it (GNU keeps times where ustar has the name prefix). Anything else (global pax
// headers, GNU long names, a bad checksum, a truncated tar, a name the extractor would read as
// another or as a directory) is an error: the caller then takes the slow path, so the reader
// may be strict.
llvm::Expected<std::vector<TarIndexEntry>> ReadTarIndex(const std::string& path);

// The entries of the layers this process wrote, by diff_id (WriteLayer from a list: a COPY's
// layer), so that a later step reading the stage's tree needs no decompression to list it.
void RememberListing(const std::string& diff_id, const std::vector<TreeEntry>& entries);
std::shared_ptr<const std::vector<TarIndexEntry>> RememberedListing(const std::string& diff_id);

}  // namespace strata::oci
