// A git revision's side of a package-cache lookup, answered from the working tree where git
// says the revision equals it and from a checkout of just the differing files where it does
// not: how `strata affected` reuses the revision's cache entries without checking the
// revision out.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/package_cache.h"
#include "compiler/graph/local_source.h"
#include "runtime/cli/git_revision.h"
#include "runtime/cli/git_snapshot.h"

namespace strata::cli {

class RevisionInputs : public driver::PackageCache::Inputs {
 public:
  // `root` is the workspace root in the working tree, `revision` opened there; `worktree` the
  // working tree's package cache and `hasher` its hasher (their answers are reused).
  RevisionInputs(GitRevision& revision, std::string root, driver::PackageCache& worktree,
                 graph::LocalSourceHasher& hasher)
      : revision_(revision), root_(std::move(root)), worktree_(worktree), hasher_(hasher) {}

  // The revision's partial checkout (made on first use), which grows by what is asked of it.
  llvm::Expected<GitSnapshot*> Snapshot();
  // The snapshot when one was made, else null.
  const GitSnapshot* made() const { return snapshot_.get(); }
  // Checks out every file of the revision at or below each of `paths` (relative to the root).
  llvm::Error CheckOutUnder(const std::vector<std::string>& paths);

  std::optional<std::string> FileHash(const std::string& path) override;
  // A local source matches when its digest at the revision is `digest`: the working tree's
  // when nothing below it differs, else that of the revision's files below it, checked out
  // (alone) into the snapshot. With keep_modes (a Dockerfile context, hashed with on-disk
  // modes, which a checkout sets from the umask) always the checked-out files'.
  bool LocalMatches(const std::string& path, const std::vector<std::string>& exclude,
                    const std::string& exclude_base, bool keep_modes,
                    const std::string& digest) override;

 private:
  // `path` relative to the root; nullopt outside it (the same file on both sides).
  std::optional<std::string> Relative(const std::string& path) const;

  GitRevision& revision_;
  std::string root_;
  driver::PackageCache& worktree_;
  graph::LocalSourceHasher& hasher_;
  std::unique_ptr<GitSnapshot> snapshot_;
  graph::LocalSourceHasher snapshot_hasher_;  // in memory: the snapshot's paths are temporary
};

}  // namespace strata::cli
