// A revision's tree and its differences from the working tree, from three git plumbing
// commands.
#include "runtime/cli/git_revision.h"

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
  llvm::Expected<std::string> commit = ResolveCommit(dir, rev);
  if (!commit) return commit.takeError();
  revision.commit_ = *commit;
  // The revision's files below `dir`, relative to it (ls-tree run there limits and relativises
  // as ls-files does).
  llvm::Expected<std::string> tree = RunGit(dir, {"ls-tree", "-r", "-z", revision.commit_});
  if (!tree) return tree.takeError();
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
  // Tracked paths whose content, mode or type differ from the revision, or that exist on one
  // side only. Git compares an index entry whose stat data is unchanged without reading the file.
  llvm::Expected<std::string> diff = RunGit(
      dir, {"diff-index", "-z", "--raw", "--no-renames", "--relative", revision.commit_, "--"});
  if (!diff) return diff.takeError();
  std::vector<std::string_view> fields = SplitNul(*diff);
  for (size_t i = 0; i + 1 < fields.size(); i += 2) revision.differing_.emplace(fields[i + 1]);
  // Untracked entries (ignored ones too: the working tree's evaluation sees them; an untracked
  // directory as one "dir/") and entries git trusts without comparing (tag other than H).
  llvm::Expected<std::string> listed =
      RunGit(dir, {"ls-files", "-z", "-v", "--cached", "--others", "--directory"});
  if (!listed) return listed.takeError();
  for (std::string_view entry : SplitNul(*listed)) {
    if (entry.size() < 3 || entry.substr(0, 2) == "H ") continue;
    std::string path(entry.substr(2));
    while (!path.empty() && path.back() == '/') path.pop_back();
    revision.differing_.insert(path);
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
