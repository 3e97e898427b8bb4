// `strata eval [-f FILE] [--arg K=V]... EXPR`: evaluate EXPR with the program's value as `self`.
#include <iostream>

#include "runtime/cli/commands.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/options.h"

namespace strata::cli {

int EvalCommand(const std::vector<std::string>& args) {
  const std::string usage = "strata eval [-f FILE] [--arg K=V]... EXPR";
  po::options_description options("strata eval");
  AddProgramOptions(options, /*with_args=*/true);
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  if (parsed.positional.empty()) throw UsageError{"missing EXPR\nusage: " + usage};
  ProgramInput input = GetProgramInput(parsed.values);

  // Creates nothing on disk: no store, no hash cache (FrontendOptionsFor).
  driver::Frontend frontend(FrontendOptionsFor(StoreDir(parsed.values), /*writes=*/false));
  if (frontend.Run(input)) frontend.EvalExpression(parsed.positional[0], std::cout);
  return FinishFrontend(frontend);
}

}  // namespace strata::cli
