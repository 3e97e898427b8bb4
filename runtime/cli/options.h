// Command-line parsing shared by the commands (Boost.Program_options).
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "runtime/cli/session.h"

namespace strata::cli {

namespace po = boost::program_options;

// A command's parsed flags and positional arguments.
struct ParsedCommand {
  po::variables_map values;
  std::vector<std::string> positional;
};

// Adds `-f/--file` and, when `with_args`, `--arg K=V` to a command's options.
void AddProgramOptions(po::options_description& options, bool with_args);
// Reads them back.
ProgramInput GetProgramInput(const po::variables_map& values);

// Whether `-f PATH` names a Strata program: a file ending in `.strata`, or a directory holding
// `build.strata`. Any other path (and `-` for stdin) is a Dockerfile, whatever its name, as
// `docker build -f` takes it.
bool IsStrataProgramPath(const std::string& path);

// Parses `args` (the words after the command name) against `options`; every word that is not
// an option is positional. `--help` prints the usage. Throws UsageError on bad input.
ParsedCommand ParseCommand(const std::string& usage, const po::options_description& options,
                           const std::vector<std::string>& args, size_t max_positional);

// Splits a target such as `services.api` into its attribute names.
std::vector<std::string> SplitTarget(const std::string& target);

// Thrown by ParseCommand after printing `--help`: the command exits 0.
struct HelpShown {};

}  // namespace strata::cli
