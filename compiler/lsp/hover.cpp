// textDocument/hover: the inferred type under the cursor, generalized for let-bound names,
// with the binding's doc comment.
#include "compiler/lsp/features.h"
#include "compiler/lsp/syntax_index.h"
#include "compiler/types/builtin_types.h"
#include "compiler/types/checker.h"

namespace strata::lsp {
namespace {

std::string NameAt(std::string_view text, diag::SourceRange range) {
  if (range.end > text.size() || range.begin > range.end) return "";
  return std::string(text.substr(range.begin, range.end - range.begin));
}

Json Reply(Workspace& workspace, diag::SourceRange range, const std::string& code,
           const std::string& doc) {
  std::string value = "```strata\n" + code + "\n```";
  if (!doc.empty()) value += "\n\n" + doc;
  return Json{{"contents", {{"kind", "markdown"}, {"value", value}}},
              {"range", ToRange(workspace, range)}};
}

std::string BuiltinSignature(std::string_view name) {
  for (const types::BuiltinSignature& b : types::BuiltinSignatures())
    if (b.name == name) return std::string(b.signature);
  return "";
}

}  // namespace

Json Hover(Workspace& workspace, const Json& params) {
  Cursor cursor;
  if (!GetCursor(workspace, params, cursor)) return nullptr;
  const Facts& facts = workspace.facts();
  std::string_view text = workspace.TextOfFile(cursor.file);
  // A name in use: the type of its binding (generalized: `a -> a`), not of this use.
  const ast::Var* var = nullptr;
  if (const BindingFact* binding = facts.UseAt(cursor.file, cursor.offset, &var)) {
    std::string name(var->name.str());
    return Reply(workspace, var->range(), name + " :: " + types::ToString(binding->type),
                 DocComment(workspace.TextOfFile(binding->site.file), binding->site.begin));
  }
  if (var) {  // a builtin
    std::string name(var->name.str());
    std::string signature = BuiltinSignature(name);
    if (signature.empty()) signature = types::ToString(facts.TypeOf(var));
    return Reply(workspace, var->range(), name + " :: " + signature, "builtin");
  }
  if (const BindingFact* binding = facts.BindingAt(cursor.file, cursor.offset)) {
    return Reply(workspace, binding->site,
                 NameAt(text, binding->site) + " :: " + types::ToString(binding->type),
                 DocComment(text, binding->site.begin));
  }
  if (const auto* field = facts.FieldAt(cursor.file, cursor.offset)) {
    // The doc comment of the field's definition, when the record literal is in sight.
    std::string doc;
    const ast::Select* select = nullptr;
    size_t step = 0;
    if (SelectStepAt(cursor.root, cursor.offset, select, step)) {
      const ast::Record* record = RecordLiteralOf(select->target, facts);
      for (size_t i = 0; record && i < step; ++i) {
        const ast::Expr* value = nullptr;
        for (const ast::Field& f : record->fields)
          if (f.name == select->path[i].name) value = f.value;
        record = value ? RecordLiteralOf(value, facts) : nullptr;
      }
      if (record)
        for (const ast::Field& f : record->fields)
          if (f.name == select->path[step].name)
            doc = DocComment(workspace.TextOfFile(f.name_range.file), f.name_range.begin);
    }
    return Reply(workspace, field->first,
                 NameAt(text, field->first) + " :: " + types::ToString(field->second), doc);
  }
  NamedValue named;
  if (FieldAt(cursor.root, cursor.offset, named)) {
    if (const types::Type* type = facts.TypeOf(named.value))
      return Reply(workspace, named.name_range,
                   std::string(named.name.str()) + " :: " + types::ToString(type),
                   DocComment(text, named.name_range.begin));
  }
  auto [expr, type] = facts.ExprAt(cursor.file, cursor.offset);
  if (!expr || !type) return nullptr;
  return Reply(workspace, expr->range(), types::ToString(type), "");
}

}  // namespace strata::lsp
