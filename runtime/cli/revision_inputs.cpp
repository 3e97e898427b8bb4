// The revision's files: the working tree's hashes where git reports no difference, the
// revision's files checked out alone where it does.
#include "runtime/cli/revision_inputs.h"

#include "compiler/support/file_read.h"

namespace strata::cli {
namespace {

// A hash no entry holds: a file that could not be checked out makes the lookup miss.
constexpr const char* kUnreadable = "unreadable";

}  // namespace

std::optional<std::string> RevisionInputs::Relative(const std::string& path) const {
  if (path == root_) return std::string();
  if (path.size() > root_.size() + 1 && path.compare(0, root_.size(), root_) == 0 &&
      path[root_.size()] == '/')
    return path.substr(root_.size() + 1);
  return std::nullopt;
}

std::optional<std::string> RevisionInputs::FileHash(const std::string& path) {
  std::optional<std::string> rel = Relative(path);
  if (!rel || !revision_.Differs(*rel)) return worktree_.FileHash(path);
  if (!revision_.HasFile(*rel)) return std::nullopt;
  // Checked out (not `git cat-file`): a checkout applies the eol and smudge filters.
  if (llvm::Error error = CheckOutUnder({*rel})) {
    llvm::consumeError(std::move(error));
    return std::string(kUnreadable);
  }
  llvm::Expected<std::string> bytes = support::ReadFile(snapshot_->dir() + "/" + *rel);
  if (!bytes) {
    llvm::consumeError(bytes.takeError());
    return std::string(kUnreadable);
  }
  return driver::PackageCache::ContentHash(*bytes);
}

llvm::Expected<GitSnapshot*> RevisionInputs::Snapshot() {
  if (!snapshot_) {
    // Prepared by GitRevision::Open beside its git reads.
    std::string error;
    snapshot_ = revision_.TakeSnapshot(error);
    if (!snapshot_)
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s",
                                     error.empty() ? "no snapshot of the revision" : error.c_str());
  }
  return snapshot_.get();
}

llvm::Error RevisionInputs::CheckOutUnder(const std::vector<std::string>& paths) {
  if (paths.empty()) return llvm::Error::success();
  llvm::Expected<GitSnapshot*> snapshot = Snapshot();
  if (!snapshot) return snapshot.takeError();
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::vector<std::string> under = revision_.FilesUnder(path);
    files.insert(files.end(), under.begin(), under.end());
  }
  return (*snapshot)->CheckOut(&files);
}

bool RevisionInputs::LocalMatches(const std::string& path, const std::vector<std::string>& exclude,
                                  const std::string& exclude_base, bool keep_modes,
                                  const std::string& digest) {
  std::optional<std::string> rel = Relative(path);
  if (!rel || (!keep_modes && !revision_.Differs(*rel))) {
    graph::LocalSourceHasher::Result hash = hasher_.Hash(path, exclude, exclude_base, keep_modes);
    return hash.error.empty() && hash.digest == digest;
  }
  if (llvm::Error error = CheckOutUnder({*rel})) {
    llvm::consumeError(std::move(error));
    return false;
  }
  std::string there = snapshot_->dir() + (rel->empty() ? "" : "/" + *rel);
  graph::LocalSourceHasher::Result hash =
      snapshot_hasher_.Hash(there, exclude, exclude_base, keep_modes);
  return hash.error.empty() && hash.digest == digest;
}

}  // namespace strata::cli
