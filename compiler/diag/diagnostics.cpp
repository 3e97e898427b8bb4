// Diagnostics as data: collected during a phase, printed sorted by location at the end.
#include "compiler/diag/diagnostics.h"

#include <algorithm>
#include <ostream>
#include <sstream>

namespace strata::diag {
namespace {

// Long lines (a 1 MB line of input) are shown as a window around the span.
constexpr uint32_t kMaxShownColumns = 160;

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Prints the source line and a caret line under [begin, end) of it.
void PrintSnippet(std::ostream& out, const SourceManager& sources, SourceRange range) {
  if (!range.valid()) return;
  LineCol start = sources.Position(range.file, range.begin);
  std::string_view line = sources.LineText(range.file, start.line);
  // Byte offset of the span inside the line.
  std::string_view text = sources.Text(range.file);
  size_t line_begin = static_cast<size_t>(line.data() - text.data());
  size_t span_begin = std::min<size_t>(range.begin - line_begin, line.size());
  size_t span_end =
      std::min<size_t>(std::max(range.end, range.begin + 1) - line_begin, line.size() + 1);
  // Window around the span for very long lines.
  size_t window_begin = 0;
  if (span_begin > kMaxShownColumns / 2) window_begin = span_begin - kMaxShownColumns / 2;
  while (window_begin > 0 && window_begin < line.size() && IsContinuationByte(line[window_begin]))
    --window_begin;
  size_t window_end = std::min(line.size(), window_begin + kMaxShownColumns);
  while (window_end < line.size() && IsContinuationByte(line[window_end])) ++window_end;

  std::string shown, carets;
  if (window_begin > 0) {
    shown += "...";
    carets += "   ";
  }
  for (size_t i = window_begin; i < window_end; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    bool in_span = i >= span_begin && i < span_end;
    char mark = i == span_begin ? '^' : (in_span ? '~' : ' ');
    if (c == '\t') {
      shown += '\t';
      carets += mark == ' ' ? '\t' : mark;
    } else if (c < 0x20 || c == 0x7f) {
      shown += '?';
      carets += mark;
    } else {
      shown += static_cast<char>(c);
      if (!IsContinuationByte(static_cast<char>(c))) carets += mark;
    }
  }
  if (window_end < line.size()) shown += "...";
  if (span_begin >= window_end) carets += '^';  // span at the end of the line
  while (!carets.empty() && carets.back() == ' ') carets.pop_back();
  out << "  " << shown << "\n  " << carets << "\n";
}

}  // namespace

Diagnostic& DiagnosticEngine::Error(SourceRange range, std::string message) {
  ++error_count_;
  diagnostics_.push_back({Severity::kError, range, std::move(message), {}});
  return diagnostics_.back();
}

Diagnostic& DiagnosticEngine::Warning(SourceRange range, std::string message) {
  diagnostics_.push_back({Severity::kWarning, range, std::move(message), {}});
  return diagnostics_.back();
}

std::string FormatLocation(const SourceManager& sources, SourceRange range) {
  // A diagnostic about the command as a whole (a missing target, an unreadable file).
  if (range.file == kNoFile) return "strata";
  LineCol pos = sources.Position(range.file, range.begin);
  return sources.Name(range.file) + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col);
}

void DiagnosticEngine::Print(std::ostream& out, const SourceManager& sources) const {
  std::vector<const Diagnostic*> sorted;
  for (const Diagnostic& d : diagnostics_) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    if (a->range.file != b->range.file) return a->range.file < b->range.file;
    return a->range.begin < b->range.begin;
  });
  for (const Diagnostic* d : sorted) {
    out << FormatLocation(sources, d->range) << ": " << SeverityName(d->severity) << ": "
        << d->message << "\n";
    PrintSnippet(out, sources, d->range);
    for (const Note& note : d->notes) {
      out << FormatLocation(sources, note.range) << ": note: " << note.message << "\n";
      PrintSnippet(out, sources, note.range);
    }
  }
}

std::string DiagnosticEngine::Format(const SourceManager& sources) const {
  std::ostringstream out;
  Print(out, sources);
  return out.str();
}

}  // namespace strata::diag
