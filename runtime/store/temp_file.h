// A file written inside the store's tmp/ dir that becomes visible only through an atomic Commit.
#pragma once

#include <llvm/Support/Error.h>
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <system_error>

#include "compiler/support/atomic_file.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"

namespace strata::store {

// Contract: while a TempFile is open its writer holds flock(LOCK_EX) on it, so a cleaner can
// tell live temp files (lock busy) from those of a killed writer (lock free) — see
// CleanStaleTempFiles. The destructor unlinks a file that was never committed.
class TempFile {
 public:
  static llvm::Expected<TempFile> Create(const std::string& tmp_dir, mode_t mode);
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();

  int Fd() const { return fd_.Get(); }
  const std::string& Path() const { return path_; }

  llvm::Error WriteAll(const void* data, size_t size);
  // fsync, rename onto dest (replacing it), fsync dest's directory.
  llvm::Error CommitReplace(const std::string& dest);
  // Unlinks the file now (also done by the destructor).
  void Discard();

 private:
  TempFile(support::UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  support::UniqueFd fd_;
  std::string path_;
};

// Removes files in tmp_dir whose writer died (their flock is free). Returns how many.
llvm::Expected<size_t> CleanStaleTempFiles(const std::string& tmp_dir);

}  // namespace strata::store
