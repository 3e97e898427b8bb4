// Reading strata.workspace: empty, or a record of settings (today only `stdlib`).
#include "compiler/syntax/workspace_config.h"

#include <llvm/Support/Casting.h>

#include <filesystem>

#include "compiler/syntax/parser.h"
#include "compiler/syntax/workspace_root.h"

namespace strata::syntax {
namespace {

// True when `text` holds only blanks, `#` line comments and `/* */` block comments: the
// marker-only file every workspace began with.
bool OnlyComments(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '#') {
      size_t end = text.find('\n', i);
      i = end == std::string_view::npos ? text.size() : end;
    } else if (text.compare(i, 2, "/*") == 0) {
      size_t end = text.find("*/", i + 2);
      if (end == std::string_view::npos) return false;  // the parser reports it
      i = end + 2;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<WorkspaceConfig> ReadWorkspaceConfig(const std::string& root,
                                                   diag::SourceManager& sources, ast::Arena& arena,
                                                   diag::DiagnosticEngine& diags) {
  std::string path = root + "/" + std::string(kWorkspaceFile);
  std::string reason;
  std::optional<std::string> text = sources.Read(path, reason);
  if (!text) {
    diags.Error({}, "cannot read " + path + ": " + reason);
    return std::nullopt;
  }
  WorkspaceConfig config;
  if (OnlyComments(*text)) return config;
  size_t errors_before = diags.error_count();
  diag::FileId file = sources.AddBuffer(path, std::move(*text));
  const ast::Expr* expr = Parse(sources, file, arena, diags);
  if (diags.error_count() != errors_before) return std::nullopt;
  const auto* record = llvm::dyn_cast<ast::Record>(expr);
  if (!record) {
    diags.Error(expr->range(), std::string(kWorkspaceFile) +
                                   " holds a record of settings, such as `{ stdlib = ./std; }`");
    return std::nullopt;
  }
  for (const ast::Field& field : record->fields) {
    if (field.name.str() != "stdlib") {
      diags.Error(field.name_range, "unknown setting `" + std::string(field.name.str()) + "` in " +
                                        std::string(kWorkspaceFile) + " (known: stdlib)");
      continue;
    }
    const auto* dir = llvm::dyn_cast<ast::PathLit>(field.value);
    std::error_code error;
    if (!dir) {
      diags.Error(field.value->range(),
                  "`stdlib` is a path literal naming a folder under the workspace root, such as "
                  "./third_party/strata-stdlib");
    } else if (std::string_view(dir->path).substr(0, root.size() + 1) != root + "/") {
      diags.Error(field.value->range(), "the stdlib folder " + std::string(dir->written) +
                                            " is outside the workspace root " + root);
    } else if (!std::filesystem::is_directory(std::string(dir->path), error)) {
      diags.Error(field.value->range(), "the stdlib folder " + std::string(dir->written) +
                                            " is not a folder (`strata stdlib vendor " +
                                            std::string(dir->written) + "` writes one)");
    } else {
      config.stdlib_dir = std::string(dir->path);
    }
  }
  if (diags.error_count() != errors_before) return std::nullopt;
  return config;
}

}  // namespace strata::syntax
