// Private scratch directories under <store>/work/, locked while in use so that a later build
// or `strata gc` can remove those left behind by a killed build.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

#include "compiler/support/unique_fd.h"
#include "runtime/store/store.h"

namespace strata::schedule {

class WorkDir {
 public:
  // A fresh <store>/work/<prefix>XXXXXX, flock'ed (LOCK_EX) until destroyed, then removed
  // (never crossing a mount point).
  static llvm::Expected<WorkDir> Create(const store::Store& store, const std::string& prefix);
  WorkDir(WorkDir&& other) noexcept = default;
  WorkDir& operator=(WorkDir&&) = delete;
  ~WorkDir();

  const std::string& Path() const { return path_; }

 private:
  WorkDir(std::string path, support::UniqueFd lock)
      : path_(std::move(path)), lock_(std::move(lock)) {}
  std::string path_;
  support::UniqueFd lock_;
};

// Removes work dirs whose lock is free (their build is gone), after killing the containers
// such a build left running (a sandbox dir's runc/ state root) and detaching its mounts;
// returns how many. Live builds' dirs are left alone.
llvm::Expected<size_t> CleanStaleWorkDirs(const store::Store& store);
llvm::Expected<size_t> CleanStaleWorkDirs(const std::string& store_root);

// syncfs(2) of the filesystem holding `path`: what a record will name is on disk first.
llvm::Error SyncFilesystem(const std::string& path);

// Moves `from` (a directory in the store's work area) to `to` atomically: a rename, or an
// exchange with an existing `to` whose old contents are then removed.
llvm::Error PublishDir(const std::string& from, const std::string& to);

// Publishes `out_dir` (finished and synced) as the artifact directory of node `key`,
// <store>/artifacts/<key>, through PublishDir; returns that path.
llvm::Expected<std::string> PublishArtifactDir(const store::Store& store, const std::string& key,
                                               const std::string& out_dir);

}  // namespace strata::schedule
