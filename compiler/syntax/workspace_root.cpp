// Finding the workspace root by walking up to a strata.workspace file (an empty one is valid).
#include "compiler/syntax/workspace_root.h"

#include <filesystem>

namespace strata::syntax {

std::optional<std::string> FindWorkspaceRoot(const std::string& start) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path dir = fs::absolute(start, error);
  if (error) return std::nullopt;
  dir = dir.lexically_normal();
  for (;;) {
    if (fs::exists(dir / kWorkspaceFile, error)) {
      // Canonical, as the module loader's paths are, so that a package's file maps to its label.
      fs::path canonical = fs::weakly_canonical(dir, error);
      std::string text = (error ? dir : canonical).string();
      while (text.size() > 1 && text.back() == '/') text.pop_back();
      return text;
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

}  // namespace strata::syntax
