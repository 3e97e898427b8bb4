// `strata graph [-f FILE] [--arg K=V]... [TARGET] [--format text|json|dot]`: print the
// derivation graph of a target (an attribute path; a record of targets prints all of them).
#include <iostream>

#include "compiler/graph/print.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

namespace strata::cli {

int GraphCommand(const std::vector<std::string>& args) {
  const std::string usage = "strata graph [-f FILE] [--arg K=V]... [TARGET] [--format text|json|dot]";
  po::options_description options("strata graph");
  AddProgramOptions(options, /*with_args=*/true);
  options.add_options()("format", po::value<std::string>()->default_value("text"),
                        "text, json or dot");
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  std::string format = parsed.values["format"].as<std::string>();
  if (format != "text" && format != "json" && format != "dot")
    throw UsageError{"unknown --format '" + format + "': expected text, json or dot"};
  std::string target = parsed.positional.empty() ? "default" : parsed.positional[0];
  std::vector<std::string> path = SplitTarget(target);
  ProgramInput input = GetProgramInput(parsed.values);

  Session session;
  std::optional<eval::Value> root = session.Run(input);
  if (!root) return session.Finish();
  std::optional<eval::Value> selected = session.evaluator().SelectPath(*root, path);
  if (!selected) return session.Finish();
  std::vector<const graph::Node*> nodes;
  if (!session.evaluator().CollectNodes(*selected, nodes)) return session.Finish();
  if (nodes.empty()) {
    session.diags().Error({}, "target '" + target + "' holds no stage or artifact");
    return session.Finish();
  }
  if (format == "text") graph::PrintText(std::cout, nodes);
  if (format == "json") graph::PrintJson(std::cout, nodes);
  if (format == "dot") graph::PrintDot(std::cout, nodes);
  return session.Finish();
}

}  // namespace strata::cli
