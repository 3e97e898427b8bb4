// The `strata` program: picks the subcommand and runs it on a large stack.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"
#if STRATA_HEAP_REGION
#include "runtime/cli/region_allocator.h"
#endif

namespace {

constexpr const char* kUsage = R"(usage: strata COMMAND [OPTIONS]

commands:
  build   build a target stage into an image (-o oci:DIR, oci-archive:FILE, docker-archive:FILE)
  check   parse and type-check a program
  eval    evaluate an expression with the program's value as `self`
  fmt     rewrite .strata files in the canonical layout (--check: list those that are not)
  gc      remove from the store what no build of the last days uses
  graph   print the derivation graph of a target (text, json or dot)
  import  translate a Dockerfile into a Strata program
  lock    pin every `image "ref"` to its digest in strata.lock
  lsp     run the language server on stdin/stdout (for editors)
  parse   print the syntax tree of a file
  run     build a target stage and run its image here
  sbom    build a target stage and print its SBOM (SPDX 2.3 or CycloneDX 1.5 JSON)
  stdlib  write the built-in stdlib into a folder a workspace can pin (`vendor DIR`)
  store   check the store (`strata store verify [--repair]`)
  targets list a workspace's targets by label (//dir:target; patterns //dir/...)
  query   deps / rdeps of a workspace label
  affected  the labels whose derivation keys differ from a git revision (--since REV)
  export  write a target as a Dockerfile and context for BuildKit (--dockerfile DIR)

`strata COMMAND --help` describes a command's options.
)";

using CommandFunction = int (*)(const std::vector<std::string>&);

CommandFunction FindCommand(const std::string& name) {
  using namespace strata::cli;
  if (name == "build") return BuildCommand;
  if (name == "check") return CheckCommand;
  if (name == "eval") return EvalCommand;
  if (name == "fmt") return FmtCommand;
  if (name == "gc") return GcCommand;
  if (name == "graph") return GraphCommand;
  if (name == "import") return ImportCommand;
  if (name == "lock") return LockCommand;
  if (name == "lsp") return LspCommand;
  if (name == "parse") return ParseCommand;
  if (name == "run") return RunCommand;
  if (name == "sbom") return SbomCommand;
  if (name == "store") return StoreCommand;
  if (name == "stdlib") return StdlibCommand;
  if (name == "targets") return TargetsCommand;
  if (name == "query") return QueryCommand;
  if (name == "affected") return AffectedCommand;
  if (name == "export") return ExportCommand;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace strata::cli;
#if STRATA_HEAP_REGION
  UseHeapRegion();
#endif
  strata::driver::TuneHeap();
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    (words.empty() ? std::cerr : std::cout) << kUsage;
    return words.empty() ? kExitUsage : kExitOk;
  }
  if (words[0] == "--version") {
    std::cout << "strata 0.1.0\n";
    return kExitOk;
  }
  CommandFunction command = FindCommand(words[0]);
  if (!command) {
    std::cerr << "strata: unknown command '" << words[0] << "'\n" << kUsage;
    return kExitUsage;
  }
  std::vector<std::string> args(words.begin() + 1, words.end());
  int exit_code = kExitOk;
  try {
    // Deeply nested input is legal up to the phases' depth guards; give them room.
    strata::driver::RunOnFrontendStack([&] { exit_code = command(args); });
  } catch (const UsageError& error) {
    std::cerr << "strata: " << error.message << "\n";
    return kExitUsage;
  } catch (const HelpShown&) {
    return kExitOk;
  } catch (const std::exception& error) {
    std::cerr << "strata: internal error: " << error.what() << "\n";
    return kExitProgramError;
  }
  return exit_code;
}
