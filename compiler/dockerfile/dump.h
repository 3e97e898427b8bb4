// Prints a parsed Dockerfile in BuildKit's parser dump format, one instruction a line.
#pragma once

#include <iosfwd>
#include <string>

#include "compiler/dockerfile/instructions.h"

namespace strata::dockerfile {

// `(from "x" "AS" "y")`, `(copy ["--from=b"] "/a" "/b")`, `(env "k" "v" "=")`,
// `(onbuild (run "echo hi"))`; strings quoted as Go's strconv.Quote. Directives, comments and
// heredoc bodies are not printed. Each line ends with a line break.
void DumpAst(std::ostream& out, const Dockerfile& dockerfile);
// One instruction without the surrounding parentheses' line break: `(run "echo hi")`.
std::string DumpInstruction(const Instruction& instruction);

}  // namespace strata::dockerfile
