// Finding the workspace root, listing its packages, and parsing labels and patterns.
#include "compiler/driver/workspace.h"

#include <dirent.h>
#include <llvm/ADT/StringRef.h>
#include <sys/stat.h>

#include <algorithm>

#include "compiler/syntax/workspace_root.h"

namespace strata::driver {
namespace {

constexpr std::string_view kPackageFile = "build.strata";

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '+';
}

// A package path: `a/b-c/d`, no empty, `.` or `..` step.
bool ValidPackage(std::string_view package) {
  if (package.empty()) return true;
  size_t start = 0;
  while (start <= package.size()) {
    size_t slash = package.find('/', start);
    std::string_view step =
        package.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (step.empty() || step == "." || step == ".." ||
        !std::all_of(step.begin(), step.end(), IsNameChar))
      return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

// A target: attribute names joined by `.`.
bool ValidTarget(std::string_view target) {
  if (target.empty() || target.front() == '.' || target.back() == '.' ||
      target.find("..") != std::string_view::npos)
    return false;
  return std::all_of(target.begin(), target.end(),
                     [](char c) { return IsNameChar(c) && c != '+'; });
}

// With readdir's entry types, not std::filesystem: the walk is the one cost every workspace
// command pays over the whole tree (2,000 directories at 1,000 packages), and each
// directory_iterator step and is_regular_file costs a stat.
void Walk(const std::string& dir, const std::string& rel, std::vector<std::string>& out) {
  DIR* stream = ::opendir(dir.c_str());
  if (stream == nullptr) return;
  bool package = false;
  std::vector<std::string> children;
  while (struct dirent* entry = ::readdir(stream)) {
    std::string_view name = entry->d_name;
    unsigned char type = entry->d_type;
    if (name == kPackageFile) {
      // A regular file, or a symlink to one (stat follows it, as is_regular_file did).
      struct stat st;
      package = type == DT_REG ||
                ((type == DT_LNK || type == DT_UNKNOWN) &&
                 ::stat((dir + "/" + std::string(name)).c_str(), &st) == 0 && S_ISREG(st.st_mode));
      continue;
    }
    if (name.empty() || name[0] == '.') continue;
    // Not followed through symlinks: a link back up would loop, and a package has one path.
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (::lstat((dir + "/" + std::string(name)).c_str(), &st) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
    }
    if (type == DT_DIR) children.emplace_back(name);
  }
  ::closedir(stream);
  if (package) out.push_back(rel);
  std::sort(children.begin(), children.end());
  for (const std::string& name : children)
    Walk(dir + "/" + name, rel.empty() ? name : rel + "/" + name, out);
}

}  // namespace

bool IsLabelText(std::string_view text) { return text.substr(0, 2) == "//"; }

bool IsLabelPackage(std::string_view package) { return ValidPackage(package); }

bool IsLabelTarget(std::string_view target) { return ValidTarget(target); }

std::optional<LabelPattern> ParseLabelPattern(std::string_view text, std::string& error) {
  if (!IsLabelText(text)) {
    error = "'" + std::string(text) +
            "' is not a label: labels start with // (//dir/sub:target, //dir/...)";
    return std::nullopt;
  }
  std::string_view rest = text.substr(2);
  LabelPattern pattern;
  size_t colon = rest.find(':');
  std::string_view package = rest.substr(0, colon);
  if (colon != std::string_view::npos) {
    pattern.target = std::string(rest.substr(colon + 1));
    pattern.target_given = true;
  }
  if (package == "..." || (package.size() >= 4 && package.substr(package.size() - 4) == "/...")) {
    pattern.recursive = true;
    package = package.size() == 3 ? std::string_view() : package.substr(0, package.size() - 4);
    if (pattern.target_given) {
      error = "'" + std::string(text) + "': a pattern (//dir/...) takes no :target";
      return std::nullopt;
    }
  }
  while (!package.empty() && package.back() == '/') package.remove_suffix(1);
  if (!ValidPackage(package)) {
    error = "'" + std::string(text) +
            "': malformed package path (expected //dir/sub, names of letters, digits, _ - . +)";
    return std::nullopt;
  }
  pattern.package = std::string(package);
  if (!pattern.recursive) {
    if (!pattern.target_given) pattern.target = "default";
    if (!ValidTarget(pattern.target)) {
      error = "'" + std::string(text) +
              "': malformed target (expected an attribute path such as api or services.api)";
      return std::nullopt;
    }
  }
  return pattern;
}

std::string LabelText(std::string_view package, std::string_view target) {
  return "//" + std::string(package) + ":" + std::string(target);
}

bool PackageUnder(std::string_view package, std::string_view dir) {
  if (dir.empty()) return true;
  return package == dir || (package.size() > dir.size() && package.substr(0, dir.size()) == dir &&
                            package[dir.size()] == '/');
}

std::vector<std::string> ListPackages(const std::string& root) {
  std::vector<std::string> out;
  Walk(root, "", out);
  std::sort(out.begin(), out.end());
  return out;
}

std::string PackageFile(const std::string& root, std::string_view package) {
  return package.empty() ? root + "/" + std::string(kPackageFile)
                         : root + "/" + std::string(package) + "/" + std::string(kPackageFile);
}

std::optional<std::string> PackageOfFile(const std::string& root, const std::string& file) {
  std::string suffix = "/" + std::string(kPackageFile);
  if (file.size() < root.size() + suffix.size() || file.compare(0, root.size(), root) != 0)
    return std::nullopt;
  if (file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
  if (file.size() == root.size() + suffix.size()) return std::string();
  if (file[root.size()] != '/') return std::nullopt;
  return file.substr(root.size() + 1, file.size() - suffix.size() - root.size() - 1);
}

std::vector<std::string> NearNames(std::string_view name,
                                   const std::vector<std::string>& candidates, size_t limit) {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const std::string& candidate : candidates) {
    size_t distance = llvm::StringRef(name).edit_distance(candidate);
    // A candidate that contains the name, or is contained in it, is near whatever its length.
    bool contains = !name.empty() && !candidate.empty() &&
                    (candidate.find(name) != std::string::npos ||
                     name.find(candidate) != std::string_view::npos);
    if (contains || distance <= std::max<size_t>(2, name.size() / 3))
      scored.emplace_back(distance, candidate);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && out.size() < limit; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace strata::driver
