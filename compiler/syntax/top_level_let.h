// The parser's fast path for a file that is one `let`: it parses and converts one binding at a
// time, so the ANTLR parse tree of a large program never exists whole.
#pragma once

#include "compiler/diag/source.h"
#include "compiler/syntax/ast.h"

namespace strata::syntax {

// The AST of `file` when its expression is a top-level `let ... in ...` that parses and
// converts without a single diagnostic; null otherwise (not a let, a syntax error, a warning,
// too deep), and then the caller parses the file the ordinary way, which reports exactly as
// it always did. On success the AST equals what the ordinary parse builds. Runs on the
// caller's stack (call it on a large one, as Parse does).
const ast::Expr* ParseTopLevelLet(diag::SourceManager& sources, diag::FileId file,
                                  ast::Arena& arena);

}  // namespace strata::syntax
