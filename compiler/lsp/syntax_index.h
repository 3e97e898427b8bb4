// Walks over a module's AST for the language server: the names in scope at a position, the
// record literal an expression stands for, record fields and let bindings by position, and
// the top-level symbols.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/syntax/ast.h"

namespace strata::lsp {

class Facts;

// Calls `visit` on each direct child expression of `expr`.
void ForEachChild(const ast::Expr* expr, const std::function<void(const ast::Expr*)>& visit);

struct ScopeName {
  ast::Symbol name;
  diag::SourceRange site;  // the binding's name
  const ast::Expr* value;  // a let binding's value; null for parameters
};

// The names bound around `offset` (let bindings, parameters, pattern fields), outermost first
// (a later entry shadows an earlier one of the same name).
std::vector<ScopeName> NamesInScope(const ast::Expr* root, uint32_t offset);

// The record literal `expr` evaluates to when that is visible in the source: a record, a
// name bound by a let to one, an import of a file whose value is one, a let's body, a field
// of one of those. Null otherwise. Follows imports through `facts`.
const ast::Record* RecordLiteralOf(const ast::Expr* expr, const Facts& facts, int depth = 0);

// A record literal field or let binding whose name covers `offset`, with its value.
struct NamedValue {
  ast::Symbol name;
  diag::SourceRange name_range;
  const ast::Expr* value = nullptr;
};
bool FieldAt(const ast::Expr* root, uint32_t offset, NamedValue& out);
bool LetBindingAt(const ast::Expr* root, uint32_t offset, NamedValue& out);
// The selection and the step whose attribute name covers `offset`.
bool SelectStepAt(const ast::Expr* root, uint32_t offset, const ast::Select*& select, size_t& step);
// The import expression covering `offset`.
const ast::Import* ImportAt(const ast::Expr* root, uint32_t offset);

// A document symbol: a top-level binding or target (a field of the value's record), with
// the fields of a nested record literal as children.
struct Symbol {
  std::string name;
  diag::SourceRange name_range;
  diag::SourceRange range;
  bool function = false;
  bool field = false;
  std::vector<Symbol> children;
};
std::vector<Symbol> TopLevelSymbols(const ast::Expr* root);

}  // namespace strata::lsp
