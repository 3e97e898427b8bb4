// Diagnostics as data: collected during a phase, printed sorted by location at the end.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "compiler/diag/source.h"

namespace strata::diag {

enum class Severity { kError, kWarning, kNote };

struct Note {
  SourceRange range;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceRange range;
  std::string message;  // lowercase, no trailing period
  std::vector<Note> notes;
};

// Collects diagnostics of every phase. A user error is never an exception: phases report
// here and go on (an error node absorbs follow-on errors), and the driver prints them all.
class DiagnosticEngine {
 public:
  Diagnostic& Error(SourceRange range, std::string message);
  Diagnostic& Warning(SourceRange range, std::string message);

  bool has_errors() const { return error_count_ > 0; }
  size_t error_count() const { return error_count_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

  // Prints every diagnostic, sorted by file and position, as
  // `file:line:col: error: message`, the source line and a caret line under the span.
  void Print(std::ostream& out, const SourceManager& sources) const;
  // Same as Print, into a string (golden tests).
  std::string Format(const SourceManager& sources) const;

 private:
  std::vector<Diagnostic> diagnostics_;
  size_t error_count_ = 0;
};

// Formats one location as `file:line:col` (or the file name alone when there is no position).
std::string FormatLocation(const SourceManager& sources, SourceRange range);

}  // namespace strata::diag
