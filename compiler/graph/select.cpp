// Artifact selection (`from / "path"`), with narrowing of local sources.
#include "compiler/graph/select.h"

#include <sys/stat.h>

#include <vector>

#include "compiler/graph/ignore_patterns.h"
#include "compiler/graph/ops.h"

namespace strata::graph {
namespace {

// Splits a selection path into its components; false when it cannot be narrowed statically
// (wildcards or `..`), so the runtime must resolve it.
bool PlainComponents(const std::string& path, std::vector<std::string>& components) {
  if (path.find_first_of("*?[\\") != std::string::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string part =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..") return false;
    if (!part.empty() && part != ".") components.push_back(part);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

std::vector<std::string> StringsOf(const nlohmann::json* value) {
  std::vector<std::string> strings;
  if (value && value->is_array())
    for (const auto& item : *value)
      if (item.is_string()) strings.push_back(item.get<std::string>());
  return strings;
}

}  // namespace

const Node* SelectPath(Graph& graph, LocalSourceHasher& hasher, const Node* from,
                       const std::string& path, diag::SourceRange origin, std::string& error) {
  std::vector<std::string> components;
  const nlohmann::json* host = from->Find("path");
  if (from->op() != Op::kLocal || !host || !host->is_string() || !PlainComponents(path, components))
    return MakeSelect(graph, from, path, origin);
  if (components.empty()) return from;

  // Every component must be a real directory or file of the source: a symlink on the way could
  // lead outside it, so such selections are left to the runtime, which resolves them inside.
  std::string host_path = host->get<std::string>();
  std::string relative;
  for (const std::string& component : components) {
    host_path += "/" + component;
    relative += (relative.empty() ? "" : "/") + component;
    struct stat st;
    if (lstat(host_path.c_str(), &st) != 0) {
      error = "'" + path + "' does not exist in local source " + host->get<std::string>();
      return nullptr;
    }
    if (S_ISLNK(st.st_mode)) return MakeSelect(graph, from, path, origin);
  }

  std::vector<std::string> exclude = StringsOf(from->Find("exclude"));
  std::string base;
  if (const nlohmann::json* outer = from->Find("exclude_base"); outer && outer->is_string())
    base = outer->get<std::string>();
  std::string exclude_base = base.empty() ? relative : base + "/" + relative;
  // An ignored directory is still selectable when an exception re-includes something below it.
  struct stat selected;
  if (!exclude.empty() && IsIgnoredByPatterns(exclude, exclude_base) &&
      !(lstat(host_path.c_str(), &selected) == 0 && S_ISDIR(selected.st_mode) &&
        HoldsIncludedEntry(host_path, exclude_base, IgnoreMatcher(exclude)))) {
    error = "'" + path + "' is excluded from local source " + host->get<std::string>() +
            " by its ignore patterns";
    return nullptr;
  }
  const nlohmann::json* modes = from->Find("modes");
  bool keep_modes = modes && modes->is_string() && *modes == "keep";
  LocalSourceHasher::Result hashed =
      hasher.Hash(host_path, exclude, exclude.empty() ? "" : exclude_base, keep_modes);
  if (!hashed.error.empty()) {
    error = hashed.error;
    return nullptr;
  }
  return MakeLocal(graph, host_path, components.back(), hashed.digest, exclude,
                   exclude.empty() ? "" : exclude_base, origin, keep_modes);
}

}  // namespace strata::graph
