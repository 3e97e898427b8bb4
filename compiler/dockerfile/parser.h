// Parses a Dockerfile (BuildKit's `docker/dockerfile:1` syntax) into instructions.
#pragma once

#include <optional>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/dockerfile/instructions.h"

namespace strata::dockerfile {

// BuildKit's parser alone (what `strata import --dump-ast` prints): decodes, reads directives,
// joins continuation lines, collects heredoc bodies and splits each line into its parts. An
// unknown instruction or flag, or an incomplete HEALTHCHECK, is no error here (see
// ValidateDockerfile). Errors go to `diags`; returns nullopt when there was any.
std::optional<Dockerfile> ParseDockerfileSyntax(diag::SourceManager& sources, diag::FileId file,
                                                diag::DiagnosticEngine& diags);

// The instruction checks BuildKit makes when it turns the parse into instructions (every
// instruction, then stage names across them). Reports every error; true when there was none.
bool ValidateDockerfile(const Dockerfile& dockerfile, diag::DiagnosticEngine& diags);

// ParseDockerfileSyntax and ValidateDockerfile in one pass (errors in line order): what a build
// uses. Decodes the file (UTF-8 BOM stripped, UTF-16/32 with a BOM decoded; the decoded text is
// registered with `sources` under the same name, and Dockerfile::file names it). Every error
// is reported to `diags` (all of them, not just the first); returns nullopt when there was
// any. Never throws on user input.
std::optional<Dockerfile> ParseDockerfile(diag::SourceManager& sources, diag::FileId file,
                                          diag::DiagnosticEngine& diags);

}  // namespace strata::dockerfile
