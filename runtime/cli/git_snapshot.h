// A git revision's files, read with git plumbing into a temporary directory: `strata affected`
// evaluates the workspace as it was without touching the working tree, the index or HEAD.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

namespace strata::cli {

class GitSnapshot {
 public:
  // Checks out the tree of `rev` below `dir`'s path in its repository into a new temporary
  // directory (`git read-tree` into a temporary index, then `git checkout-index --prefix`: the
  // files a checkout gives, unlike `git archive`, which honours export-ignore and export-subst). An
  // unknown revision or a `dir` outside a repository is an error.
  static llvm::Expected<GitSnapshot> Extract(const std::string& dir, const std::string& rev);
  GitSnapshot(GitSnapshot&& other) noexcept;
  GitSnapshot& operator=(GitSnapshot&&) = delete;
  ~GitSnapshot();  // removes the directory

  // Where `dir` is in the snapshot.
  const std::string& dir() const { return dir_; }

 private:
  GitSnapshot(std::string temp, std::string dir) : temp_(std::move(temp)), dir_(std::move(dir)) {}
  std::string temp_;
  std::string dir_;
};

}  // namespace strata::cli
