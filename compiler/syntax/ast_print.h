// A readable dump of the AST (`strata parse`): an indented S-expression, one node per line.
#pragma once

#include <iosfwd>
#include <string>

#include "compiler/syntax/ast.h"

namespace strata::syntax {

// Prints `root` as e.g.
//   (let
//     (binding x
//       (int 1))
//     (var x))
// Strings are JSON-escaped; paths print resolved and normalised, relative to the working
// directory unless written absolute; types print in source syntax.
void PrintAst(std::ostream& out, const ast::Expr* root);

// A type in source syntax: `List (a -> b) -> { name :: String; ... }`.
std::string TypeToString(const ast::TypeExpr* type);

// `text` as a JSON string literal (invalid UTF-8 bytes become U+FFFD).
std::string JsonQuote(std::string_view text);

}  // namespace strata::syntax
