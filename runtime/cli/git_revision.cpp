// A revision's tree and its differences from the working tree, from three git plumbing
// commands.
#include "runtime/cli/git_revision.h"

#include <future>

#include "runtime/cli/git_command.h"

namespace strata::cli {
namespace {

// The NUL-separated fields of `text` (the last one may lack its NUL).
std::vector<std::string_view> SplitNul(const std::string& text) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    fields.emplace_back(text.data() + start, end - start);
    start = end + 1;
  }
  return fields;
}

}  // namespace

llvm::Expected<GitRevision> GitRevision::Open(const std::string& dir, const std::string& rev) {
  GitRevision revision;
  revision.dir_ = dir;
  // The top level, `dir`'s prefix below it and the commit, in one process; a typo gets this
  // message, not a later git command's.
  llvm::Expected<std::string> resolved =
      RunGit(dir, {"rev-parse", "--show-toplevel", "--show-prefix", "--verify", "--quiet",
                   "--end-of-options", rev + "^{commit}"});
  std::vector<std::string> lines;
  if (resolved)
    for (size_t start = 0; start < resolved->size();) {
      size_t end = resolved->find('\n', start);
      if (end == std::string::npos) end = resolved->size();
      lines.push_back(resolved->substr(start, end - start));
      start = end + 1;
    }
  else
    llvm::consumeError(resolved.takeError());
  if (lines.size() != 3 || lines[2].size() < 40)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "unknown revision '%s': not a commit of the git repository at %s", rev.c_str(),
        dir.c_str());
  std::string top = lines[0].empty() ? dir : lines[0];
  std::string sub = lines[1];
  while (!sub.empty() && sub.back() == '/') sub.pop_back();
  revision.commit_ = lines[2];
  // The rest side by side: each is a git process reading the repository's index or objects,
  // none depends on another, and on a busy machine their waits add up (10 in series before).
  // The revision's files below `dir`, relative to it (ls-tree run there limits and relativises
  // as ls-files does).
  auto tree_job = std::async(std::launch::async, [&] {
    return RunGit(dir, {"ls-tree", "-r", "-z", revision.commit_});
  });
  // Tracked paths whose content, mode or type differ from the revision, or that exist on one
  // side only. Git compares an index entry whose stat data is unchanged without reading the file.
  auto diff_job = std::async(std::launch::async, [&] {
    return RunGit(
        dir, {"diff-index", "-z", "--raw", "--no-renames", "--relative", revision.commit_, "--"});
  });
  // Untracked entries (ignored ones too: the working tree's evaluation sees them; an untracked
  // directory as one "dir/") and entries git trusts without comparing (tag other than H).
  auto listed_job = std::async(std::launch::async, [&] {
    return RunGit(dir, {"ls-files", "-z", "-v", "--cached", "--others", "--directory"});
  });
  // The snapshot's index: whether the revision has anything below `dir` is known from
  // ls-tree only later, so an empty subtree is told by read-tree failing on `COMMIT:sub`
  // (checked against ls-tree below).
  auto snapshot_job = std::async(std::launch::async, [&] {
    return GitSnapshot::Prepare(top, sub, revision.commit_, /*empty=*/false);
  });
  llvm::Expected<std::string> tree = tree_job.get();
  llvm::Expected<std::string> diff = diff_job.get();
  llvm::Expected<std::string> listed = listed_job.get();
  llvm::Expected<GitSnapshot> snapshot = snapshot_job.get();
  llvm::Error errors = llvm::Error::success();
  for (llvm::Expected<std::string>* result : {&tree, &diff, &listed})
    if (!*result) errors = llvm::joinErrors(std::move(errors), result->takeError());
  if (errors) {
    if (!snapshot) llvm::consumeError(snapshot.takeError());
    return errors;
  }
  for (std::string_view line : SplitNul(*tree)) {
    // "MODE TYPE OBJECT\tPATH"
    size_t tab = line.find('\t');
    size_t space = line.find(' ');
    if (tab == std::string_view::npos || space == std::string_view::npos) continue;
    std::string path(line.substr(tab + 1));
    std::string_view head = line.substr(0, tab);
    std::string object(head.substr(head.rfind(' ') + 1));
    if (head.substr(0, space) == "160000") {
      // A submodule: a checkout gives an empty directory, the working tree may hold anything.
      revision.submodules_.insert(path);
      revision.differing_.insert(path);
    }
    revision.files_.emplace(std::move(path), std::move(object));
  }
  std::vector<std::string_view> fields = SplitNul(*diff);
  for (size_t i = 0; i + 1 < fields.size(); i += 2) revision.differing_.emplace(fields[i + 1]);
  for (std::string_view entry : SplitNul(*listed)) {
    if (entry.size() < 3 || entry.substr(0, 2) == "H ") continue;
    std::string path(entry.substr(2));
    while (!path.empty() && path.back() == '/') path.pop_back();
    revision.differing_.insert(path);
  }
  if (snapshot) {
    revision.snapshot_ = std::make_unique<GitSnapshot>(std::move(*snapshot));
  } else if (revision.files_.empty()) {
    // Nothing below `dir` at the revision, so no subtree for read-tree: an empty snapshot.
    llvm::consumeError(snapshot.takeError());
    snapshot = GitSnapshot::Prepare(top, sub, revision.commit_, /*empty=*/true);
    if (snapshot)
      revision.snapshot_ = std::make_unique<GitSnapshot>(std::move(*snapshot));
    else
      revision.snapshot_error_ = llvm::toString(snapshot.takeError());
  } else {
    revision.snapshot_error_ = llvm::toString(snapshot.takeError());
  }
  return revision;
}

std::vector<std::string> GitRevision::FilesUnder(const std::string& path) const {
  std::vector<std::string> out;
  if (path.empty()) {
    for (const auto& [file, object] : files_) out.push_back(file);
    return out;
  }
  if (files_.count(path)) out.push_back(path);
  std::string prefix = path + "/";
  for (auto it = files_.lower_bound(prefix);
       it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    out.push_back(it->first);
  return out;
}

bool GitRevision::Differs(const std::string& path) const {
  if (path.empty()) return !differing_.empty();
  auto it = differing_.lower_bound(path);
  if (it != differing_.end() &&
      (*it == path || (it->size() > path.size() && it->compare(0, path.size(), path) == 0 &&
                       (*it)[path.size()] == '/')))
    return true;
  // Entries sort "a" < "a.b" < "a/b", so a path below `path` may follow ones like "a.b".
  auto below = differing_.lower_bound(path + "/");
  if (below != differing_.end() && below->compare(0, path.size() + 1, path + "/") == 0) return true;
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
    if (differing_.count(path.substr(0, slash))) return true;
  return false;
}

}  // namespace strata::cli
