// Reads a package's copyright file out of the unpacked trees of a Debian base.
#include "runtime/sbom/package_license.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "runtime/sbom/dep5_license.h"

namespace strata::sbom {
namespace {

constexpr off_t kMaxCopyrightSize = 1 << 20;

// The doc directory name `name` (under usr/share/doc) resolves to: a relative symlink to a
// sibling (`libfoo -> libbar`) is followed, up to a few hops; anything else ends the search.
bool ReadCopyright(const std::vector<std::string>& trees, std::string name, std::string& text) {
  for (int hop = 0; hop < 4; ++hop) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
      return false;
    std::string next;
    for (const std::string& tree : trees) {
      std::string dir = tree + "/usr/share/doc/" + name;
      struct stat st;
      if (::lstat(dir.c_str(), &st) != 0) continue;
      if (S_ISLNK(st.st_mode)) {
        char target[256];
        ssize_t n = ::readlink(dir.c_str(), target, sizeof target - 1);
        if (n > 0) next.assign(target, static_cast<size_t>(n));
        continue;
      }
      if (!S_ISDIR(st.st_mode)) continue;
      std::string file = dir + "/copyright";
      if (::lstat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxCopyrightSize)
        continue;
      std::ifstream in(file, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      text = bytes.str();
      return true;
    }
    name = next;
  }
  return false;
}

}  // namespace

std::string PackageLicense(const std::vector<std::string>& trees, const std::string& package) {
  std::string text;
  if (!ReadCopyright(trees, package, text)) return "";
  return Dep5LicenseExpression(text);
}

}  // namespace strata::sbom
