// `strata check [-f FILE]`: parse and type-check; print every diagnostic.
#include <iostream>

#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

namespace strata::cli {

int CheckCommand(const std::vector<std::string>& args) {
  po::options_description options("strata check");
  AddProgramOptions(options, /*with_args=*/false);
  ParsedCommand parsed = ParseCommand("strata check [-f FILE]", options, args, 0);
  ProgramInput input = GetProgramInput(parsed.values);

  Session session;
  if (session.Load(input.file) && session.Check())
    std::cout << types::ToString(session.entry_type()) << "\n";
  return session.Finish();
}

}  // namespace strata::cli
