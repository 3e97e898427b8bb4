// The formatter as the CLI (`strata fmt`) and the language server (document formatting) call
// it: on a text in memory, with located diagnostics when the text does not parse.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "llvm/Support/Error.h"

namespace strata::driver {

// One syntax error of a text that cannot be formatted (lines and columns from 1).
struct FormatError {
  unsigned line = 0;
  unsigned column = 0;
  unsigned end_line = 0;
  unsigned end_column = 0;
  std::string message;
};

struct FormatOutcome {
  bool ok = false;
  std::string text;                 // the formatted text (when ok)
  std::vector<FormatError> errors;  // why not (when !ok)
  std::string rendered;             // the errors as `path:line:col: error: ...` with source lines
};

// Formats `text`, named `path` in messages (nothing is read from disk).
FormatOutcome FormatSource(const std::string& path, std::string_view text);

// The same, as an Expected: the formatted text, or an error holding the rendered diagnostics.
llvm::Expected<std::string> FormatText(const std::string& path, std::string_view text);

}  // namespace strata::driver
