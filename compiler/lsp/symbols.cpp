// textDocument/documentSymbol: the top-level bindings and targets, nested records as children.
#include "compiler/lsp/features.h"
#include "compiler/lsp/syntax_index.h"
#include "compiler/syntax/module_loader.h"

namespace strata::lsp {
namespace {

// LSP SymbolKind values.
constexpr int kFieldKind = 8;
constexpr int kFunctionKind = 12;
constexpr int kVariableKind = 13;

Json ToJson(Workspace& workspace, const Symbol& symbol) {
  Json children = Json::array();
  for (const Symbol& child : symbol.children) children.push_back(ToJson(workspace, child));
  return Json{{"name", symbol.name},
              {"kind", symbol.function ? kFunctionKind
                       : symbol.field  ? kFieldKind
                                       : kVariableKind},
              {"range", ToRange(workspace, symbol.range)},
              {"selectionRange", ToRange(workspace, symbol.name_range)},
              {"children", children}};
}

}  // namespace

Json DocumentSymbols(Workspace& workspace, const Json& params) {
  const std::string& uri = params.at("textDocument").at("uri").get_ref<const std::string&>();
  Document* document = workspace.Find(uri);
  Json result = Json::array();
  if (!document || !document->module) return result;
  for (const Symbol& symbol : TopLevelSymbols(document->module->root))
    result.push_back(ToJson(workspace, symbol));
  return result;
}

}  // namespace strata::lsp
