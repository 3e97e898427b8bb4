// Prints a parsed Dockerfile in BuildKit's parser dump format, one instruction a line.
#include "compiler/dockerfile/dump.h"

#include <ostream>

#include "compiler/dockerfile/go_quote.h"
#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {

std::string DumpInstruction(const Instruction& instruction) {
  std::string out = "(" + ToLowerAscii(instruction.name);
  if (!instruction.flags.empty()) {
    out += " [";
    for (size_t i = 0; i < instruction.flags.size(); ++i) {
      if (i) out += ' ';
      out += GoQuote(instruction.flags[i].Text());
    }
    out += ']';
  }
  if (instruction.trigger) out += " " + DumpInstruction(*instruction.trigger);
  for (const Arg& arg : instruction.args) out += " " + GoQuote(arg.value);
  return out + ")";
}

void DumpAst(std::ostream& out, const Dockerfile& dockerfile) {
  for (const Instruction& instruction : dockerfile.instructions)
    out << DumpInstruction(instruction) << "\n";
}

}  // namespace strata::dockerfile
