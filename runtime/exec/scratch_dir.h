// Directory helpers for the sandbox: mkdir -p, and removing trees without crossing mounts.
#pragma once

#include <llvm/Support/Error.h>
#include <sys/types.h>

#include <string>

namespace strata::exec {

// mkdir -p. Existing directories are fine.
llvm::Error MakeDirs(const std::string& path, mode_t mode = 0755);

// rm -rf that never follows a symlink and never descends into another mount (a mount still
// in place is left alone rather than emptied). A missing path is fine.
llvm::Error RemoveTree(const std::string& path);

// A fresh directory from mkdtemp, removed with RemoveTree on destruction.
class ScratchDir {
 public:
  static llvm::Expected<ScratchDir> Create(const std::string& parent, const std::string& prefix);
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();

  const std::string& Path() const { return path_; }
  llvm::Error Remove();

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace strata::exec
