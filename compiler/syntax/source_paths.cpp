// Path literals and import targets: resolving what is written against the file it is in.
#include "compiler/syntax/source_paths.h"

#include <filesystem>
#include <system_error>

namespace strata::syntax {

namespace fs = std::filesystem;

std::string BaseDirectory(const std::string& file_name) {
  std::error_code error;
  fs::path cwd = fs::current_path(error);
  if (error) cwd = "/";
  if (file_name.empty() || file_name.front() == '<') return cwd.lexically_normal().string();
  fs::path dir = fs::path(file_name).parent_path();
  if (dir.is_relative()) dir = cwd / dir;
  return ResolvePath(".", dir.string());
}

std::string ResolvePath(std::string_view written, const std::string& base_dir) {
  fs::path path(written);
  if (path.is_relative()) path = fs::path(base_dir) / path;
  std::string normal = path.lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

}  // namespace strata::syntax
