// textDocument/publishDiagnostics: the document's diagnostics with LSP ranges.
#include "compiler/lsp/features.h"

namespace strata::lsp {

Json DiagnosticsParams(Workspace& workspace, const Document& document) {
  Json items = Json::array();
  for (const diag::Diagnostic& d : document.diagnostics) {
    Json item;
    if (d.range.valid()) {
      item["range"] = ToRange(workspace, d.range);
    } else {
      item["range"] = {{"start", {{"line", 0}, {"character", 0}}},
                       {"end", {{"line", 0}, {"character", 0}}}};
    }
    item["severity"] = d.severity == diag::Severity::kError     ? 1
                       : d.severity == diag::Severity::kWarning ? 2
                                                                : 3;
    item["source"] = "strata";
    item["message"] = d.message;
    Json related = Json::array();
    for (const diag::Note& note : d.notes) {
      if (!note.range.valid()) {
        item["message"] = item["message"].get<std::string>() + "\nnote: " + note.message;
        continue;
      }
      related.push_back({{"location",
                          {{"uri", workspace.UriOfFile(note.range.file)},
                           {"range", ToRange(workspace, note.range)}}},
                         {"message", note.message}});
    }
    if (!related.empty()) item["relatedInformation"] = related;
    items.push_back(std::move(item));
  }
  return Json{{"uri", document.uri}, {"version", document.version}, {"diagnostics", items}};
}

}  // namespace strata::lsp
