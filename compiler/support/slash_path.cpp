// CleanSlashPath and friends: string work only, so the compiler and the runtime agree on paths.
#include "compiler/support/slash_path.h"

#include <vector>

namespace strata::support {

std::string CleanSlashPath(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  for (size_t i = 0; i < path.size();) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

std::string CleanPath(std::string_view base, std::string_view path) {
  std::string joined = "/";
  if (path.empty() || path[0] != '/') {
    joined += base;
    joined += '/';
  }
  joined += path;
  return CleanSlashPath(joined);
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> PathElements(std::string_view text, char separator) {
  std::vector<std::string> parts;
  for (size_t i = 0; i <= text.size();) {
    size_t j = text.find(separator, i);
    if (j == std::string_view::npos) j = text.size();
    if (j > i) parts.emplace_back(text.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

}  // namespace strata::support
