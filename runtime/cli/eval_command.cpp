// `strata eval [-f FILE] [--arg K=V]... EXPR`: evaluate EXPR with the program's value as `self`.
#include <iostream>

#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

namespace strata::cli {

int EvalCommand(const std::vector<std::string>& args) {
  const std::string usage = "strata eval [-f FILE] [--arg K=V]... EXPR";
  po::options_description options("strata eval");
  AddProgramOptions(options, /*with_args=*/true);
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  if (parsed.positional.empty()) throw UsageError{"missing EXPR\nusage: " + usage};
  ProgramInput input = GetProgramInput(parsed.values);

  Session session;
  std::optional<eval::Value> self = session.Run(input);
  if (!self) return session.Finish();

  const syntax::Module* expr = session.loader().LoadBuffer("<expr>", parsed.positional[0]);
  if (!expr || session.diags().has_errors()) return session.Finish();
  session.checker().CheckWithSelf(expr->root, session.value_type());
  if (session.diags().has_errors()) return session.Finish();
  std::optional<eval::Value> value = session.evaluator().EvalWithSelf(expr->root, *self);
  if (value && session.evaluator().Print(std::cout, *value)) std::cout << "\n";
  return session.Finish();
}

}  // namespace strata::cli
