// Splits one logical line into an instruction: name, `--flags`, and arguments by kind.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/instructions.h"
#include "compiler/dockerfile/logical_line.h"

namespace strata::dockerfile {

// Parses the command that starts at `begin` in `line` the way BuildKit's line parsers do
// (JSON or shell form, ENV/LABEL pairs, ONBUILD's nested command). Syntax errors are reported
// to `diags`; returns false after an error.
bool ParseCommand(const LogicalLine& line, size_t begin, uint32_t escape_token, Instruction& out,
                  diag::DiagnosticEngine& diags);

// The heredocs a RUN/COPY/ADD line names (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`), in order,
// without their bodies. Sets *error for a malformed one.
std::vector<Heredoc> HeredocsFromLine(std::string_view line, std::string* error);

// True when the instruction takes heredocs: RUN, COPY or ADD (also as an ONBUILD trigger),
// in shell form.
bool CanContainHeredoc(const Instruction& instruction);

}  // namespace strata::dockerfile
