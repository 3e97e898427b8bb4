// What the checker told the language server about each file: expression types, bindings,
// uses and imports (a types::CheckRecorder), with the lookups the features need.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/diag/source.h"
#include "compiler/syntax/ast.h"
#include "compiler/types/check_recorder.h"

namespace strata::lsp {

struct BindingFact {
  diag::SourceRange site;
  const types::Type* type = nullptr;
};

struct FileFacts {
  std::vector<std::pair<const ast::Expr*, const types::Type*>> exprs;
  std::vector<std::pair<const ast::Var*, const void*>> uses;
  std::vector<std::pair<diag::SourceRange, const types::Type*>> fields;  // selected attributes
  std::vector<const void*> bindings;                                     // keys bound here
};

class Facts : public types::CheckRecorder {
 public:
  void OnExpr(const ast::Expr* expr, const types::Type* type) override;
  void OnBinding(diag::SourceRange site, const void* key, const types::Type* type) override;
  void OnUse(const ast::Var* var, const void* key) override;
  void OnField(const ast::AttrName& attr, const types::Type* type) override;
  void OnImport(const ast::Import* import, const syntax::Module* module) override;

  // Drops what was recorded for `file` (it is checked again).
  void Forget(diag::FileId file);

  const FileFacts* For(diag::FileId file) const;
  const BindingFact* Binding(const void* key) const;
  // The binding whose name covers `offset` in `file`.
  const BindingFact* BindingAt(diag::FileId file, uint32_t offset) const;
  // The binding a name at `offset` refers to (null for a builtin or no name there); `var` gets
  // the use.
  const BindingFact* UseAt(diag::FileId file, uint32_t offset,
                           const ast::Var** var = nullptr) const;
  // The innermost expression covering `offset` (ties: the first recorded, the inner one), and
  // its type.
  std::pair<const ast::Expr*, const types::Type*> ExprAt(diag::FileId file, uint32_t offset) const;
  // The type of the expression exactly at `range`, or null.
  const types::Type* TypeOf(const ast::Expr* expr) const;
  // The selected field covering `offset`: its range and type.
  const std::pair<diag::SourceRange, const types::Type*>* FieldAt(diag::FileId file,
                                                                  uint32_t offset) const;
  // The module an import resolved to (null when it failed or was not checked).
  const syntax::Module* ImportTarget(const ast::Import* import) const;
  // A checked module (an entry; imported ones are noted by OnImport).
  void SetModule(const syntax::Module* module);
  const ast::Expr* RootOf(diag::FileId file) const;
  // The module paths whose files import the module at `path` (canonical module paths).
  std::vector<std::string> Importers(const std::string& path) const;
  // The binding recorded at exactly `site`.
  const BindingFact* BindingBySite(diag::SourceRange site) const;

 private:
  std::unordered_map<diag::FileId, FileFacts> files_;
  std::unordered_map<const void*, BindingFact> bindings_;
  std::unordered_map<const ast::Import*, const syntax::Module*> imports_;
  std::unordered_map<diag::FileId, const syntax::Module*> modules_;
};

// True when `offset` is inside `range` or just after its end (a cursor after a name is on it).
bool Covers(diag::SourceRange range, uint32_t offset);

}  // namespace strata::lsp
