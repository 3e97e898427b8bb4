// Path mapping and links for merged /usr; the list of directories is Debian's usrmerge list.
#include "runtime/debian/usr_merge.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace strata::debian {
namespace {

// The first component of a tar path and the rest, without a "./" or "/" prefix.
std::pair<llvm::StringRef, llvm::StringRef> SplitTop(llvm::StringRef path) {
  path.consume_front("./");
  path = path.ltrim('/');
  return path.split('/');
}

bool IsMerged(llvm::StringRef top) {
  for (const std::string& dir : UsrMergedDirs())
    if (top == dir) return true;
  return false;
}

}  // namespace

const std::vector<std::string>& UsrMergedDirs() {
  static const std::vector<std::string> dirs = {"bin",   "sbin",   "lib",   "lib32",
                                                "lib64", "libx32", "libo32"};
  return dirs;
}

std::string MergedUsrPath(llvm::StringRef path) {
  llvm::StringRef top = SplitTop(path).first;
  if (!IsMerged(top)) return path.str();
  // Everything before the first component ("./", "/" or nothing) is kept as it was.
  size_t prefix = static_cast<size_t>(top.data() - path.data());
  return path.substr(0, prefix).str() + "usr/" + path.substr(prefix).str();
}

bool IsUsrMergedDir(llvm::StringRef path) {
  auto [top, rest] = SplitTop(path);
  return IsMerged(top) && rest.empty();
}

llvm::Error WriteUsrMergeLinks(const std::string& dir, const std::vector<std::string>& trees) {
  for (const std::string& name : UsrMergedDirs()) {
    bool always = name == "bin" || name == "sbin" || name == "lib";
    bool present = always;
    struct stat st;
    for (size_t i = 0; !present && i < trees.size(); ++i)
      present = ::lstat((trees[i] + "/usr/" + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (!present) continue;
    std::string link = dir + "/" + name;
    if (::symlink(("usr/" + name).c_str(), link.c_str()) != 0 || ::lchown(link.c_str(), 0, 0) != 0)
      return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                     "cannot create %s: %s", link.c_str(), std::strerror(errno));
  }
  return llvm::Error::success();
}

}  // namespace strata::debian
