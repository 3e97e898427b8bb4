// The `strata` subcommands. Each takes the words after its name and returns an exit code.
#pragma once

#include <string>
#include <vector>

namespace strata::cli {

int CheckCommand(const std::vector<std::string>& args);
int EvalCommand(const std::vector<std::string>& args);
int GraphCommand(const std::vector<std::string>& args);
int ParseCommand(const std::vector<std::string>& args);

}  // namespace strata::cli
