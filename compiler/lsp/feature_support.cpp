// Positions and doc comments shared by the language features.
#include <vector>

#include "compiler/lsp/features.h"
#include "compiler/lsp/positions.h"
#include "compiler/syntax/module_loader.h"

namespace strata::lsp {

bool GetCursor(Workspace& workspace, const Json& params, Cursor& cursor) {
  const std::string& uri = params.at("textDocument").at("uri").get_ref<const std::string&>();
  Position position{params.at("position").at("line").get<uint32_t>(),
                    params.at("position").at("character").get<uint32_t>()};
  cursor.document = workspace.Find(uri);
  if (!cursor.document || !cursor.document->module) return false;
  cursor.file = cursor.document->module->file;
  cursor.root = cursor.document->module->root;
  cursor.offset = LineIndex(cursor.document->analysed).ToOffset(position);
  return true;
}

Json ToRange(Workspace& workspace, diag::SourceRange range) {
  LineIndex index(workspace.TextOfFile(range.file));
  Position begin = index.ToPosition(range.begin);
  Position end = index.ToPosition(range.end);
  return Json{{"start", {{"line", begin.line}, {"character", begin.character}}},
              {"end", {{"line", end.line}, {"character", end.character}}}};
}

std::string DocComment(std::string_view text, uint32_t site) {
  if (site > text.size()) return "";
  size_t line_start = site == 0 ? 0 : text.rfind('\n', site - 1) + 1;
  // Only a binding that starts its line has the comment above: `f = x: ...`'s `x` does not.
  if (text.substr(line_start, site - line_start).find_first_not_of(" \t") != std::string_view::npos)
    return "";
  std::vector<std::string> lines;
  while (line_start > 0) {
    size_t previous = line_start - 1 == 0 ? 0 : text.rfind('\n', line_start - 2) + 1;
    std::string_view line = text.substr(previous, line_start - 1 - previous);
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] != '#') break;
    std::string_view body = line.substr(first + 1);
    if (!body.empty() && body[0] == ' ') body.remove_prefix(1);
    while (!body.empty() && (body.back() == '\r' || body.back() == ' ')) body.remove_suffix(1);
    lines.emplace_back(body);
    line_start = previous;
  }
  std::string comment;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    comment += (comment.empty() ? "" : "\n") + *it;
  return comment;
}

}  // namespace strata::lsp
