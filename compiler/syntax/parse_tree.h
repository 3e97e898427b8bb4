// The parse tree with comments kept, for the formatter (ANTLR types stay in this folder).
#pragma once

#include <antlr4-runtime.h>

#include <functional>

#include "StrataParser.h"
#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"

namespace strata::syntax {

using TreeUser =
    std::function<void(grammar::StrataParser::FileContext*, antlr4::CommonTokenStream&)>;

// Parses `file` with its comments on the hidden channel of the token stream and calls `use`
// (on the parser's large-stack thread) when it has no syntax error; errors go to `diags`.
void ParseWithComments(diag::SourceManager& sources, diag::FileId file,
                       diag::DiagnosticEngine& diags, const TreeUser& use);

}  // namespace strata::syntax
