// A git revision's files, read with git plumbing into a temporary directory: `strata affected`
// evaluates the workspace as it was without touching the working tree, the index or HEAD.
#pragma once

#include <llvm/Support/Error.h>

#include <set>
#include <string>
#include <vector>

namespace strata::cli {

class GitSnapshot {
 public:
  // Reads the tree of `commit` at `sub` (the path of the working-tree directory below the
  // repository's top level `top`, "" for the top) into a temporary index in a new temporary
  // directory, checking nothing out yet; `empty` when the revision has nothing there. One git
  // process: the caller (GitRevision::Open) resolved the revision, the top level and the
  // prefix already, and runs this beside its own git reads.
  static llvm::Expected<GitSnapshot> Prepare(const std::string& top, const std::string& sub,
                                             const std::string& commit, bool empty);
  GitSnapshot(GitSnapshot&& other) noexcept;
  GitSnapshot& operator=(GitSnapshot&&) = delete;
  ~GitSnapshot();  // removes the directory

  // Writes the files a checkout gives (`git checkout-index --prefix`: unlike `git archive`,
  // which honours export-ignore and export-subst): all of them (null), or those of `paths`
  // (relative to `dir`, each a file of the revision) not written yet.
  llvm::Error CheckOut(const std::vector<std::string>* paths);
  // Whether CheckOut wrote `path`.
  bool Written(const std::string& path) const { return all_ || written_.count(path) != 0; }
  // How many files CheckOut wrote (of a partial checkout).
  size_t files_written() const { return written_count_; }

  // Where `dir` is in the snapshot.
  const std::string& dir() const { return dir_; }

 private:
  GitSnapshot(std::string temp, std::string dir) : temp_(std::move(temp)), dir_(std::move(dir)) {}
  std::string temp_;
  std::string dir_;
  std::string top_;    // the repository's top level
  bool empty_ = true;  // the revision has nothing below `dir`
  bool all_ = false;   // every file is written
  std::set<std::string> written_;
  size_t written_count_ = 0;
};

}  // namespace strata::cli
