// A git revision seen from the working tree, without a checkout: which paths below a directory
// the revision holds (`git ls-tree`), which of them may differ from the working tree
// (`git diff-index` against it, and the untracked and flagged entries of `git ls-files`). What
// `strata affected` validates the revision's package-cache entries with.
#pragma once

#include <llvm/Support/Error.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/cli/git_snapshot.h"

namespace strata::cli {

class GitRevision {
 public:
  // Reads `rev` (a commit) for the directory `dir` of a git working tree. Paths below are
  // relative to `dir`. An unknown revision or a `dir` outside a repository is an error. One
  // `git rev-parse` (the commit, the top level and `dir`'s prefix), then the three listings
  // and the snapshot's `git read-tree` side by side (git_snapshot.h).
  static llvm::Expected<GitRevision> Open(const std::string& dir, const std::string& rev);

  const std::string& commit() const { return commit_; }
  // The revision's files in a temporary directory, none checked out yet (made by Open; null
  // once taken or when it could not be made, which `error` then says).
  std::unique_ptr<GitSnapshot> TakeSnapshot(std::string& error) {
    error = snapshot_error_;
    return std::move(snapshot_);
  }
  // Whether the revision holds `path` as a file, a symlink or a submodule.
  bool HasFile(const std::string& path) const { return files_.count(path) != 0; }
  // The revision's files at `path` or below it, sorted.
  std::vector<std::string> FilesUnder(const std::string& path) const;
  // Whether `path` or anything below or above it may differ between the revision and the
  // working tree: a tracked change (content, mode, type, added, deleted), an untracked entry,
  // an index entry git does not compare (skip-worktree, assume-unchanged, unmerged), or a
  // submodule. False means the revision's bytes and mode there equal the working tree's.
  bool Differs(const std::string& path) const;
  // Paths that differ, for choosing what to prefetch.
  const std::set<std::string>& differing() const { return differing_; }

 private:
  std::string dir_, commit_;
  std::unique_ptr<GitSnapshot> snapshot_;
  std::string snapshot_error_;
  std::map<std::string, std::string> files_;  // path → object id (of the revision)
  std::set<std::string> submodules_;
  std::set<std::string> differing_;  // paths; a directory entry covers everything below it
};

}  // namespace strata::cli
