// The checks BuildKit makes when it turns parsed lines into instructions (names, flags, counts).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/instructions.h"

namespace strata::dockerfile {

// Unknown instruction (with a suggestion), unknown or malformed flags, argument counts,
// FROM's stage name, COPY --from with a variable, HEALTHCHECK options, ONBUILD triggers,
// MAINTAINER (a deprecation warning).
void ValidateInstruction(const Instruction& instruction, diag::DiagnosticEngine& diags);
// Checks across instructions: duplicate stage names.
void ValidateStages(const Dockerfile& dockerfile, diag::DiagnosticEngine& diags);

// The closest candidate within a small edit distance (case-insensitive), or "".
std::string Suggest(std::string_view word, const std::vector<std::string>& candidates);
// Go's time.ParseDuration, in nanoseconds; false when malformed.
bool ParseGoDuration(std::string_view text, long double* nanoseconds);
// BuildKit's stage name rule: `^[a-z][a-z0-9-_.]*$` after lowercasing.
bool IsValidStageName(std::string_view name);

}  // namespace strata::dockerfile
