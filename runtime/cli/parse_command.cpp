// `strata parse [-f FILE]`: print the AST of one file (for debugging and golden tests).
#include <iostream>

#include "compiler/syntax/ast_print.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

namespace strata::cli {

int ParseCommand(const std::vector<std::string>& args) {
  po::options_description options("strata parse");
  AddProgramOptions(options, /*with_args=*/false);
  ParsedCommand parsed = cli::ParseCommand("strata parse [-f FILE]", options, args, 0);
  ProgramInput input = GetProgramInput(parsed.values);

  Session session;
  session.Load(input.file);
  if (session.entry()) syntax::PrintAst(std::cout, session.entry()->root);
  return session.Finish();
}

}  // namespace strata::cli
