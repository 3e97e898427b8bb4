// The parse tree with comments kept, for the formatter (ANTLR types stay in this folder).
#pragma once

#include <antlr4-runtime.h>

#include <functional>

#include "StrataParser.h"
#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/syntax/token_buffer.h"

namespace strata::syntax {

using TreeUser = std::function<void(grammar::StrataParser::FileContext*, const TokenBuffer&)>;

// Parses `file` with its comments kept (on the hidden channel of the tokens) and calls `use`
// (on the parser's large-stack thread) when it has no syntax error; errors go to `diags`.
void ParseWithComments(diag::SourceManager& sources, diag::FileId file,
                       diag::DiagnosticEngine& diags, const TreeUser& use);

}  // namespace strata::syntax
