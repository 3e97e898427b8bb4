// Command-line parsing shared by the commands (Boost.Program_options).
#pragma once

#include <boost/program_options.hpp>
#include <map>
#include <string>
#include <vector>

#include "compiler/driver/frontend.h"

namespace strata::cli {

namespace po = boost::program_options;

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProgramError = 1;
inline constexpr int kExitUsage = 2;

// Thrown for usage errors (bad flags, a malformed --arg); main prints it and exits 2.
using UsageError = driver::UsageError;
// `-f FILE` (a file, or a directory holding build.strata) and `--arg K=V` values.
using ProgramInput = driver::ProgramInput;

// The store a command uses: its --store (an empty one is a usage error), else the default
// (store::Store::DefaultRoot, the one place that decides it). Settings travel as values from
// here on, never through the environment.
std::string StoreDir(const po::variables_map& values);

// `--build-arg K=V`, `--build-context NAME=SPEC`: a map; a later value wins, as in docker.
std::map<std::string, std::string> KeyValues(const po::variables_map& values, const char* flag);

// The front end's options for a command on `store_dir`. A command that `writes` (build, lock,
// import) keeps the local-source hash cache in the store, creating the store's directory;
// one that only reads (check, eval, graph, parse) creates nothing on disk: it reads an
// existing cache and otherwise keeps the hashes in memory. Either first ends what builds
// killed with SIGKILL left running or mounted in the store (schedule/work_dir.h).
driver::FrontendOptions FrontendOptionsFor(const std::string& store_dir, bool writes);

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
