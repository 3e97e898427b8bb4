// A git revision's files in a temporary directory, through a temporary index and
// `git checkout-index`, all at once or a few paths at a time.
#include "runtime/cli/git_snapshot.h"

#include <stdlib.h>

#include <filesystem>

#include "runtime/cli/git_command.h"

namespace strata::cli {
namespace {

namespace fs = std::filesystem;

}  // namespace

llvm::Expected<GitSnapshot> GitSnapshot::Prepare(const std::string& top, const std::string& sub,
                                                 const std::string& commit, bool empty) {
  char pattern[] = "/tmp/strata-affected-XXXXXX";
  if (!::mkdtemp(pattern))
    return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                   "cannot create a temporary directory");
  // The files under temp/tree, the index beside them (not inside: it is no file of the tree).
  std::string tree = std::string(pattern) + "/tree";
  GitSnapshot snapshot(pattern, sub.empty() ? tree : tree + "/" + sub);
  std::error_code error;
  fs::create_directories(snapshot.dir_, error);
  // A directory that did not exist at that revision (git keeps no empty one) is an empty tree.
  if (empty) return snapshot;
  snapshot.top_ = top;
  // The subtree at `sub` becomes the index's root. GIT_INDEX_FILE: the repository's own index
  // is never read or written.
  if (llvm::Expected<std::string> done =
          RunGit(top, {"read-tree", sub.empty() ? commit : commit + ":" + sub}, {},
                 {"GIT_INDEX_FILE=" + snapshot.temp_ + "/index"});
      !done)
    return done.takeError();
  snapshot.empty_ = false;
  return snapshot;
}

llvm::Error GitSnapshot::CheckOut(const std::vector<std::string>* paths) {
  if (empty_ || all_) return llvm::Error::success();
  std::vector<std::string> args = {"checkout-index", "--force", "--prefix=" + dir_ + "/"};
  // Index paths are relative to `sub`, as is each path: the command runs at the top level.
  std::string input;
  if (paths) {
    for (const std::string& path : *paths)
      if (written_.insert(path).second) {
        input += path + '\0';
        ++written_count_;
      }
    if (input.empty()) return llvm::Error::success();
    args.insert(args.end(), {"-z", "--stdin"});
  } else {
    args.push_back("--all");
    all_ = true;
  }
  llvm::Expected<std::string> done =
      RunGit(top_, args, input, {"GIT_INDEX_FILE=" + temp_ + "/index"});
  if (!done) return done.takeError();
  return llvm::Error::success();
}

GitSnapshot::GitSnapshot(GitSnapshot&& other) noexcept
    : temp_(std::move(other.temp_)),
      dir_(std::move(other.dir_)),
      top_(std::move(other.top_)),
      empty_(other.empty_),
      all_(other.all_),
      written_(std::move(other.written_)),
      written_count_(other.written_count_) {
  other.temp_.clear();
}

GitSnapshot::~GitSnapshot() {
  if (temp_.empty()) return;
  std::error_code error;
  std::filesystem::remove_all(temp_, error);
}

}  // namespace strata::cli
