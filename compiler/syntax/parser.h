// The Strata parser: source text to AST, with every syntax error reported as a diagnostic.
#pragma once

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/syntax/ast.h"

namespace strata::syntax {

// Deepest AST nesting the parser accepts (parentheses, lists, records, lets, lambdas, and
// operator chains count); deeper input gets "expression nested too deeply", not a crash.
inline constexpr int kMaxNestingDepth = 2000;

// Parses the whole of `file` as one expression. Never returns null: where the input is broken
// the tree holds an ErrorExpr, and each syntax error is reported once in `diags`. Runs on a
// large-stack thread itself, so any input (random bytes, very deep nesting) is safe. Path
// literals are resolved against the directory of SourceManager::Name(file).
// A file whose expression is a top-level `let` is parsed one binding at a time (peak memory:
// the whole parse tree of a large program never exists); kWholeTree turns that off (tests
// compare the two, which must give the same AST).
enum class LetParsing { kPerBinding, kWholeTree };
const ast::Expr* Parse(diag::SourceManager& sources, diag::FileId file, ast::Arena& arena,
                       diag::DiagnosticEngine& diags,
                       LetParsing let_parsing = LetParsing::kPerBinding);

// Parses a buffer that holds only a type, e.g. "(a -> b) -> List a -> List b" (builtin
// signatures). Never returns null (an ErrorType where broken).
const ast::TypeExpr* ParseType(diag::SourceManager& sources, diag::FileId file, ast::Arena& arena,
                               diag::DiagnosticEngine& diags);

}  // namespace strata::syntax
