// Formats one in-memory text through the syntax phase's formatter, collecting its syntax
// errors with their positions.
#include "compiler/driver/format_source.h"

#include <algorithm>

#include "compiler/diag/source.h"
#include "compiler/syntax/format.h"

namespace strata::driver {

FormatOutcome FormatSource(const std::string& path, std::string_view text) {
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  diag::FileId file = sources.AddBuffer(path, std::string(text));
  FormatOutcome outcome;
  std::optional<std::string> formatted = syntax::FormatFile(sources, file, diags);
  if (formatted && !diags.has_errors()) {
    outcome.ok = true;
    outcome.text = std::move(*formatted);
    return outcome;
  }
  for (const diag::Diagnostic& d : diags.diagnostics()) {
    if (d.severity != diag::Severity::kError) continue;
    FormatError error;
    error.message = d.message;
    if (d.range.valid()) {
      diag::LineCol begin = sources.Position(file, d.range.begin);
      diag::LineCol end = sources.Position(file, std::max(d.range.begin, d.range.end));
      error = {begin.line, begin.col, end.line, end.col, d.message};
    }
    outcome.errors.push_back(std::move(error));
  }
  outcome.rendered = diags.Format(sources);
  return outcome;
}

llvm::Expected<std::string> FormatText(const std::string& path, std::string_view text) {
  FormatOutcome outcome = FormatSource(path, text);
  if (outcome.ok) return std::move(outcome.text);
  return llvm::createStringError(llvm::inconvertibleErrorCode(), outcome.rendered);
}

}  // namespace strata::driver
