// textDocument/definition: where a name, a selected field or an import is defined, in this
// file, an imported file or an embedded stdlib module.
#include "compiler/lsp/features.h"
#include "compiler/lsp/syntax_index.h"
#include "compiler/syntax/module_loader.h"

namespace strata::lsp {
namespace {

Json Location(Workspace& workspace, diag::SourceRange range) {
  return Json{{"uri", workspace.UriOfFile(range.file)}, {"range", ToRange(workspace, range)}};
}

}  // namespace

Json Definition(Workspace& workspace, const Json& params) {
  Cursor cursor;
  if (!GetCursor(workspace, params, cursor)) return nullptr;
  const Facts& facts = workspace.facts();
  const ast::Var* var = nullptr;
  if (const BindingFact* binding = facts.UseAt(cursor.file, cursor.offset, &var))
    return Location(workspace, binding->site);
  if (var) return nullptr;  // a builtin
  if (const BindingFact* binding = facts.BindingAt(cursor.file, cursor.offset))
    return Location(workspace, binding->site);
  const ast::Select* select = nullptr;
  size_t step = 0;
  if (SelectStepAt(cursor.root, cursor.offset, select, step)) {
    const ast::Record* record = RecordLiteralOf(select->target, facts);
    for (size_t i = 0; record && i <= step; ++i) {
      const ast::Field* found = nullptr;
      for (const ast::Field& f : record->fields)
        if (f.name == select->path[i].name) found = &f;
      if (!found) return nullptr;
      if (i == step) return Location(workspace, found->name_range);
      record = RecordLiteralOf(found->value, facts);
    }
    return nullptr;
  }
  if (const ast::Import* import = ImportAt(cursor.root, cursor.offset)) {
    const syntax::Module* module = facts.ImportTarget(import);
    if (!module) return nullptr;
    return Location(workspace, diag::SourceRange{module->file, 0, 0});
  }
  return nullptr;
}

}  // namespace strata::lsp
