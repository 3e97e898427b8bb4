// `strata check [-f FILE]`: parse and type-check (a Dockerfile: parse, check and lower); print
// every diagnostic.
#include <iostream>

#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/dockerfile_target.h"
#include "runtime/cli/options.h"

namespace strata::cli {

int CheckCommand(const std::vector<std::string>& args) {
  po::options_description options("strata check");
  AddProgramOptions(options, /*with_args=*/false);
  AddFrontendOptions(options);
  ParsedCommand parsed = ParseCommand(
      "strata check [-f FILE]\n"
      "       strata check -f Dockerfile [STAGE] [--context DIR] [--build-arg K=V]... [--build-context N=SPEC]...",
      options, args, 1);
  BuildFlags flags;
  GetFrontendFlags(parsed, flags);
  if (!flags.dockerfile && !parsed.positional.empty())
    throw UsageError{"unexpected argument '" + parsed.positional[0] + "'\nusage: strata check [-f FILE]"};

  Session session;
  // A Dockerfile is checked as a build lowers it: every stage the target needs, with its
  // context; the target is a Stage.
  if (flags.dockerfile) {
    graph::LocalSourceHasher hasher(DefaultStoreDir() + "/local-hash-cache");
    if (LowerDockerfileTarget(flags, session, hasher)) std::cout << "Stage\n";
    return session.Finish();
  }
  if (session.Load(flags.input.file) && session.Check())
    std::cout << types::ToString(session.entry_type()) << "\n";
  return session.Finish();
}

}  // namespace strata::cli
