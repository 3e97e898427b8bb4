// A deterministic tar file (for oci-archive and docker-archive exports), published atomically.
#pragma once

#include <archive.h>
#include <llvm/Support/Error.h>

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/store/temp_file.h"

namespace strata::oci {

// Entries must be added in ascending byte order of their paths (checked); every entry has mtime
// 0, uid/gid 0, no user/group names, mode 0755 (directories) or 0644 (files); pax "restricted"
// format. The tar is written to a temp file beside `dest` and renamed onto it by Commit;
// dropping the writer before that leaves `dest` as it was.
class TarFileWriter {
 public:
  static llvm::Expected<TarFileWriter> Create(const std::string& dest);
  TarFileWriter(TarFileWriter&&) noexcept = default;
  TarFileWriter& operator=(TarFileWriter&&) noexcept = default;

  // `path` ends with "/".
  llvm::Error AddDirectory(const std::string& path);
  llvm::Error AddBytes(const std::string& path, const std::string& bytes);
  // The content of the file at `source`.
  llvm::Error AddFile(const std::string& path, const std::string& source);
  llvm::Error Commit();

 private:
  struct ArchiveFree {
    void operator()(struct archive* a) const { archive_write_free(a); }
  };
  TarFileWriter(store::TempFile file, std::string dest,
                std::unique_ptr<struct archive, ArchiveFree> a)
      : file_(std::move(file)), dest_(std::move(dest)), archive_(std::move(a)) {}
  llvm::Error Header(const std::string& path, bool directory, uint64_t size);
  llvm::Error ArchiveError(const std::string& what);

  store::TempFile file_;
  std::string dest_;
  std::unique_ptr<struct archive, ArchiveFree> archive_;
  std::string last_path_;
};

}  // namespace strata::oci
