// Parses a Dockerfile (BuildKit's `docker/dockerfile:1` syntax) into instructions.
#pragma once

#include <optional>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/dockerfile/instructions.h"

namespace strata::dockerfile {

// Decodes the file (UTF-8 BOM stripped, UTF-16/32 with a BOM decoded; the decoded text is
// registered with `sources` under the same name, and Dockerfile::file names it), reads parser
// directives, joins continuation lines, collects heredoc bodies and checks every instruction.
// Every error is reported to `diags` (all of them, not just the first); returns nullopt when
// there was any. Never throws on user input.
std::optional<Dockerfile> ParseDockerfile(diag::SourceManager& sources, diag::FileId file,
                                          diag::DiagnosticEngine& diags);

}  // namespace strata::dockerfile
