// An optional observer of the checker, for a language server: the type of each expression,
// the site and type of each binding, the binding each name refers to, and each import's module.
//
// The checker calls it only when one is set (Checker::set_recorder), so a plain `strata check`
// pays one null test per expression. Types are recorded as the checker's own nodes: they are
// still being solved while the check runs, so print them (types::ToString) only after it ends,
// while the Checker is alive.
#pragma once

#include "compiler/diag/source.h"
#include "compiler/syntax/ast.h"

namespace strata::syntax {
struct Module;
}

namespace strata::types {

class Type;

class CheckRecorder {
 public:
  virtual ~CheckRecorder() = default;
  // `expr` has type `type` (recorded for every expression inferred).
  virtual void OnExpr(const ast::Expr* expr, const Type* type) = 0;
  // A name bound at `site` (a let binding, lambda parameter, pattern field or `@` name) with
  // `type` (generalized for let bindings). `key` identifies the binding for OnUse.
  virtual void OnBinding(diag::SourceRange site, const void* key, const Type* type) = 0;
  // `var` refers to the binding recorded with `key` (or to a builtin: a key never bound).
  virtual void OnUse(const ast::Var* var, const void* key) = 0;
  // The field `attr` of a selection has type `type`.
  virtual void OnField(const ast::AttrName& attr, const Type* type) = 0;
  // `import` resolved to `module` (null when it failed).
  virtual void OnImport(const ast::Import* import, const syntax::Module* module) = 0;
};

}  // namespace strata::types
