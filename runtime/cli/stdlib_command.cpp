// `strata stdlib vendor DIR`: writes the stdlib built into this binary as DIR/NAME.strata, the
// folder a workspace's strata.workspace can name (`{ stdlib = ./DIR; }`) to pin its stdlib.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "compiler/support/atomic_file.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"
#include "stdlib/embedded.h"

namespace strata::cli {

int StdlibCommand(const std::vector<std::string>& args) {
  const std::string usage = "strata stdlib vendor DIR";
  po::options_description options("strata stdlib");
  ParsedCommand parsed = ParseCommand(usage, options, args, 2);
  if (parsed.positional.size() != 2 || parsed.positional[0] != "vendor")
    throw UsageError{"usage: " + usage};
  const std::string& dir = parsed.positional[1];
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    std::cerr << "strata: cannot create " << dir << ": " << std::strerror(errno) << "\n";
    return kExitProgramError;
  }
  for (std::string_view name : stdlib::Names()) {
    std::string path = dir + "/" + std::string(name) + ".strata";
    if (llvm::Error error = support::WriteFileAtomic(path, *stdlib::Lookup(name))) {
      std::cerr << "strata: " << llvm::toString(std::move(error)) << "\n";
      return kExitProgramError;
    }
    std::cout << path << "\n";
  }
  return kExitOk;
}

}  // namespace strata::cli
