// textDocument/formatting: the document's unsaved text through `strata fmt`'s formatter, as
// one edit replacing the whole text (the formatter re-lays out every line anyway).
#include "compiler/driver/format_source.h"
#include "compiler/lsp/features.h"
#include "compiler/lsp/positions.h"

namespace strata::lsp {

Json Formatting(Workspace& workspace, const Json& params) {
  const std::string& uri = params.at("textDocument").at("uri").get_ref<const std::string&>();
  const Document* document = workspace.Find(uri);
  if (!document) return nullptr;
  driver::FormatOutcome formatted = driver::FormatSource(document->path, document->text);
  // A text that does not parse is left as it is; its diagnostics already say why.
  if (!formatted.ok) return nullptr;
  Json edits = Json::array();
  if (formatted.text == document->text) return edits;
  LineIndex index(document->text);
  Position end = index.ToPosition(static_cast<uint32_t>(document->text.size()));
  edits.push_back({{"range",
                    {{"start", {{"line", 0}, {"character", 0}}},
                     {"end", {{"line", end.line}, {"character", end.character}}}}},
                   {"newText", formatted.text}});
  return edits;
}

}  // namespace strata::lsp
