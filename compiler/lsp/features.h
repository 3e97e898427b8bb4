// The language features, one file each: diagnostics, hover, definition, completion, symbols,
// formatting.
// Each takes the request's params and returns the result the protocol wants (null for none).
#pragma once

#include <string>

#include "compiler/lsp/json_rpc.h"
#include "compiler/lsp/workspace.h"

namespace strata::lsp {

// The textDocument/publishDiagnostics params of a document.
Json DiagnosticsParams(Workspace& workspace, const Document& document);
Json Hover(Workspace& workspace, const Json& params);
Json Definition(Workspace& workspace, const Json& params);
Json Completion(Workspace& workspace, const Json& params);
Json DocumentSymbols(Workspace& workspace, const Json& params);
// TextEdit[] (empty when already formatted), or null when the text does not parse.
Json Formatting(Workspace& workspace, const Json& params);

// Shared by the features (feature_support.cpp).
struct Cursor {
  Document* document = nullptr;
  diag::FileId file = diag::kNoFile;
  const ast::Expr* root = nullptr;
  uint32_t offset = 0;
};
// The document and byte offset of a TextDocumentPositionParams; false when the document is
// not open or has no analysis. Throws Json::exception when the params are malformed.
bool GetCursor(Workspace& workspace, const Json& params, Cursor& cursor);
// An LSP Range for a source range (in any file the Frontend holds).
Json ToRange(Workspace& workspace, diag::SourceRange range);
// The `#` comment lines directly above the line of `site`, without their `#` ("" if none,
// or when `site` is not the first thing on its line).
std::string DocComment(std::string_view text, uint32_t site);

}  // namespace strata::lsp
