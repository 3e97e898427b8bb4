// `strata parse [-f FILE]`: print the AST of one file (for debugging and golden tests).
#include <iostream>

#include "runtime/cli/commands.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/options.h"

namespace strata::cli {

int ParseCommand(const std::vector<std::string>& args) {
  po::options_description options("strata parse");
  AddProgramOptions(options, /*with_args=*/false);
  ParsedCommand parsed = cli::ParseCommand("strata parse [-f FILE]", options, args, 0);
  ProgramInput input = GetProgramInput(parsed.values);

  driver::Frontend frontend(FrontendOptionsFor(StoreDir(parsed.values), /*writes=*/false));
  frontend.Load(input.file);
  frontend.PrintAst(std::cout);
  return FinishFrontend(frontend);
}

}  // namespace strata::cli
