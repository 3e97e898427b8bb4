// `strata fmt`'s formatter: Strata source text to its one canonical layout (docs/fmt.md),
// keeping every comment and blank-line paragraph and never changing the token sequence.
#pragma once

#include <optional>
#include <string>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"

namespace strata::syntax {

struct FormatOptions {
  int width = 100;  // columns a line should not pass where a break can avoid it
  int indent = 2;   // spaces per indentation step
};

// The formatted text of `file`; nullopt when it has syntax errors (reported in `diags`) or,
// as a safety net, when the result would not lex to the same tokens and comments (an
// internal error, also reported).
std::optional<std::string> FormatFile(diag::SourceManager& sources, diag::FileId file,
                                      diag::DiagnosticEngine& diags,
                                      const FormatOptions& options = {});

}  // namespace strata::syntax
