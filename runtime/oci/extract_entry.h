// Writes one tar entry of a layer into the extraction directory (layer_extractor.cpp), safely
// and in overlayfs form.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <llvm/Support/Error.h>
#include <time.h>

#include <string>
#include <vector>

#include "compiler/support/unique_fd.h"
#include "runtime/oci/rooted_dir.h"

namespace strata::oci {

class EntryExtractor {
 public:
  // `layer` names the layer in errors ("layer sha256:...").
  EntryExtractor(const RootedDir& root, std::string layer)
      : root_(root), layer_(std::move(layer)) {}

  // Writes the entry (reading its data from `a`). Errors name the entry.
  llvm::Error Extract(struct archive* a, struct archive_entry* e);
  // Sets directory mtimes last, since creating their children changed them.
  llvm::Error Finish();
  // With SyncFiles(), the first kSyncedFiles regular files are kept open, their writeback
  // started as they are written; a layer with no more than that is made durable by an fsync
  // of each of them and of each directory, all in flight together (store::SyncTogether), a
  // bigger one by one syncfs (layer_extractor.cpp).
  static constexpr int kSyncedFiles = 16;
  void SyncFiles() { sync_files_ = true; }
  bool SyncedEveryFile() const { return sync_files_ && files_ <= kSyncedFiles; }
  // The files kept for that fsync (empty unless SyncedEveryFile()).
  std::vector<support::UniqueFd>& FilesToSync() { return files_to_sync_; }
  const std::vector<std::string>& FilePathsToSync() const { return file_paths_to_sync_; }

 private:
  llvm::Error EntryError(const std::string& path, const llvm::Twine& message) const;
  llvm::Error Whiteout(const std::string& path, const std::vector<std::string>& parts);
  llvm::Error WriteFile(struct archive* a, struct archive_entry* e, int parent,
                        const std::string& name, const std::string& path);
  llvm::Error Metadata(struct archive_entry* e, int parent, const std::string& name, int fd,
                       const std::string& path);

  const RootedDir& root_;
  std::string layer_;
  struct DirTime {
    std::vector<std::string> parts;
    struct timespec mtime;
  };
  std::vector<DirTime> dir_times_;
  bool sync_files_ = false;
  int files_ = 0;
  std::vector<support::UniqueFd> files_to_sync_;
  std::vector<std::string> file_paths_to_sync_;
};

}  // namespace strata::oci
