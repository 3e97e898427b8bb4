// `strata graph [-f FILE] [--arg K=V]... [TARGET] [--format text|json|dot]`: print the
// derivation graph of a target (an attribute path; a record of targets prints all of them).
#include <iostream>

#include "compiler/graph/print.h"
#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/dockerfile_target.h"
#include "runtime/cli/options.h"

namespace strata::cli {

int GraphCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata graph [-f FILE] [--arg K=V]... [TARGET] [--format text|json|dot]\n"
      "       strata graph -f Dockerfile [STAGE] [--context DIR] [--build-arg K=V]... [--build-context N=SPEC]...";
  po::options_description options("strata graph");
  AddProgramOptions(options, /*with_args=*/true);
  AddFrontendOptions(options);
  options.add_options()("format", po::value<std::string>()->default_value("text"),
                        "text, json or dot");
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  std::string format = parsed.values["format"].as<std::string>();
  if (format != "text" && format != "json" && format != "dot")
    throw UsageError{"unknown --format '" + format + "': expected text, json or dot"};
  BuildFlags flags;
  GetFrontendFlags(parsed, flags);
  const std::string& target = flags.target;

  Session session;
  std::vector<const graph::Node*> nodes;
  // A Dockerfile's graph is the one `strata build -f` builds: same context, same keys.
  graph::LocalSourceHasher dockerfile_hasher(flags.dockerfile ? DefaultStoreDir() + "/local-hash-cache" : "");
  if (flags.dockerfile) {
    const graph::Node* node = LowerDockerfileTarget(flags, session, dockerfile_hasher);
    if (!node) return session.Finish();
    nodes.push_back(node);
  } else {
    std::optional<eval::Value> root = session.Run(flags.input);
    if (!root) return session.Finish();
    std::optional<eval::Value> selected = session.evaluator().SelectPath(*root, SplitTarget(target));
    if (!selected) return session.Finish();
    if (!session.evaluator().CollectNodes(*selected, nodes)) return session.Finish();
  }
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
