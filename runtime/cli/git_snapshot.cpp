// A git revision's files in a temporary directory, through a temporary index and
// `git checkout-index`.
#include "runtime/cli/git_snapshot.h"

#include <stdlib.h>

#include <filesystem>

#include "runtime/exec/child_process.h"

namespace strata::cli {
namespace {

namespace fs = std::filesystem;

// The program's absolute path, found on PATH (RunChild takes no bare name).
std::string FindProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    std::error_code error;
    if (!dir.empty() && fs::is_regular_file(dir + "/" + name, error)) return dir + "/" + name;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return "/usr/bin/" + name;
}

// Runs a command; its output lines (stdout and stderr), or an error naming the command.
llvm::Expected<std::vector<std::string>> Run(std::vector<std::string> argv) {
  std::vector<std::string> lines;
  exec::OutputCollector output([&](llvm::StringRef line) { lines.push_back(line.str()); }, -1, 20);
  std::string shown = argv[0];
  for (size_t i = 1; i < argv.size(); ++i) shown += " " + argv[i];
  argv[0] = FindProgram(argv[0]);
  llvm::Expected<exec::ChildExit> exit =
      exec::RunChild(argv, &output, std::chrono::milliseconds(0), [] {});
  if (!exit) return exit.takeError();
  output.Finish();
  if (exec::ExitCodeOf(exit->wait_status) != 0) {
    std::string text;
    for (const std::string& line : output.Tail()) text += (text.empty() ? "" : "\n") + line;
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s failed: %s", shown.c_str(),
                                   text.c_str());
  }
  return lines;
}

}  // namespace

llvm::Expected<GitSnapshot> GitSnapshot::Extract(const std::string& dir, const std::string& rev) {
  // The revision first: a typo gets its own message, not git read-tree's.
  llvm::Expected<std::vector<std::string>> commit =
      Run({"git", "-C", dir, "rev-parse", "--verify", "--quiet", "--end-of-options",
           rev + "^{commit}"});
  if (!commit) {
    llvm::consumeError(commit.takeError());
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "unknown revision '%s': not a commit of the git repository at %s", rev.c_str(),
        dir.c_str());
  }
  llvm::Expected<std::vector<std::string>> prefix =
      Run({"git", "-C", dir, "rev-parse", "--show-prefix"});
  if (!prefix) return prefix.takeError();
  std::string sub = prefix->empty() ? "" : prefix->front();
  char pattern[] = "/tmp/strata-affected-XXXXXX";
  if (!::mkdtemp(pattern))
    return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                   "cannot create a temporary directory");
  // The files under temp/tree, the index beside them (not inside: it is no file of the tree).
  std::string tree = std::string(pattern) + "/tree";
  while (!sub.empty() && sub.back() == '/') sub.pop_back();
  GitSnapshot snapshot(pattern, sub.empty() ? tree : tree + "/" + sub);
  std::string index = snapshot.temp_ + "/index";
  // The subtree at `sub` becomes the index's root; a directory that did not exist at that
  // revision is an empty tree.
  llvm::Expected<std::vector<std::string>> subtree =
      Run({"git", "-C", dir, "rev-parse", "--verify", "--quiet", "--end-of-options",
           commit->front() + ":" + sub});
  std::error_code error;
  if (!subtree || subtree->empty()) {
    llvm::consumeError(subtree.takeError());
    fs::create_directories(snapshot.dir_, error);
    return snapshot;
  }
  llvm::Expected<std::vector<std::string>> top =
      Run({"git", "-C", dir, "rev-parse", "--show-toplevel"});
  if (!top) return top.takeError();
  std::string top_dir = top->empty() ? dir : top->front();
  // GIT_INDEX_FILE through env(1): the repository's own index is never read or written.
  if (llvm::Expected<std::vector<std::string>> done =
          Run({"env", "GIT_INDEX_FILE=" + index, "git", "-C", dir, "read-tree", subtree->front()});
      !done)
    return done.takeError();
  if (llvm::Expected<std::vector<std::string>> done =
          Run({"env", "GIT_INDEX_FILE=" + index, "git", "-C", top_dir, "checkout-index", "--all",
               "--prefix=" + snapshot.dir_ + "/"});
      !done)
    return done.takeError();
  fs::remove(index, error);
  fs::create_directories(snapshot.dir_, error);
  return snapshot;
}

GitSnapshot::GitSnapshot(GitSnapshot&& other) noexcept
    : temp_(std::move(other.temp_)), dir_(std::move(other.dir_)) {
  other.temp_.clear();
}

GitSnapshot::~GitSnapshot() {
  if (temp_.empty()) return;
  std::error_code error;
  std::filesystem::remove_all(temp_, error);
}

}  // namespace strata::cli
