// From a command's flags to the target's graph nodes, through the driver.
#include "runtime/cli/lower_target.h"

#include <iostream>

namespace strata::cli {
namespace {

// `-f -`: what stdin holds, at most diag::kMaxSourceBytes (a Dockerfile's limit).
std::optional<std::string> ReadStdin() {
  std::string text;
  char buffer[65536];
  while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(std::cin.gcount()));
    if (text.size() > diag::kMaxSourceBytes) return std::nullopt;
  }
  return text;
}

}  // namespace

std::optional<dockerfile::DockerfileInput> DockerfileInputFor(const BuildFlags& flags,
                                                              driver::Frontend& frontend) {
  dockerfile::DockerfileInput input;
  input.dockerfile = flags.input.file;
  if (flags.input.file == "-") {
    input.dockerfile = "<stdin>";  // so that diagnostics name it
    input.text = ReadStdin();
    if (!input.text) {
      frontend.Error({}, "cannot read Dockerfile from stdin: more than " +
                             std::to_string(diag::kMaxSourceBytes >> 20) +
                             " MiB; a Dockerfile may be at most that");
      return std::nullopt;
    }
  }
  input.context_dir = flags.context_dir;
  input.build_args = flags.build_args;
  input.target = flags.target;
  input.build_contexts = flags.build_contexts;
  return input;
}

bool LowerTarget(const BuildFlags& flags, driver::Frontend& frontend,
                 std::vector<const graph::Node*>& nodes, bool* is_node) {
  if (flags.dockerfile) {
    std::optional<dockerfile::DockerfileInput> input = DockerfileInputFor(flags, frontend);
    const graph::Node* node = input ? frontend.LowerDockerfile(*input) : nullptr;
    if (!node) return false;
    nodes.push_back(node);
    if (is_node) *is_node = true;
    return true;
  }
  return frontend.Run(flags.input) &&
         frontend.CollectTargets(SplitTarget(flags.target), nodes, is_node);
}

int FinishFrontend(const driver::Frontend& frontend) {
  frontend.PrintDiagnostics(std::cerr);
  return frontend.has_errors() ? kExitProgramError : kExitOk;
}

}  // namespace strata::cli
