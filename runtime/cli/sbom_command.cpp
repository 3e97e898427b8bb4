// `strata sbom [-f FILE] [TARGET] [--format spdx|cyclonedx] [build options]`: build the target
// (from the cache when it is built) and print its SBOM on stdout (docs/sbom.md).
#include <iostream>

#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/sbom_output.h"

namespace strata::cli {

int SbomCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata sbom [-f FILE|Dockerfile] [TARGET] [--arg K=V | --build-arg K=V]... [--format "
      "spdx|cyclonedx] "
      "[build options]";
  po::options_description options("strata sbom");
  AddProgramOptions(options, /*with_args=*/true);
  AddBuildOptions(options);
  options.add_options()("format", po::value<std::string>()->default_value("spdx"),
                        "spdx (SPDX 2.3 JSON) or cyclonedx (CycloneDX 1.5 JSON)");
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  BuildFlags flags = GetBuildFlags(parsed);
  flags.check_blobs = false;  // nothing leaves the store
  SbomRequest request;
  std::string format = parsed.values["format"].as<std::string>();
  if (format == "spdx")
    request.format = sbom::Format::kSpdx;
  else if (format == "cyclonedx")
    request.format = sbom::Format::kCycloneDx;
  else
    throw UsageError{"unknown --format '" + format + "': expected spdx or cyclonedx"};
  std::string image_name = flags.target.empty() ? "dockerfile" : flags.target;
  return BuildTarget(flags, [&](const BuiltImage& built) {
    llvm::Expected<std::string> document = MakeSbomDocument(built, request, image_name);
    if (!document) {
      std::cerr << "strata: error: " << llvm::toString(document.takeError()) << "\n";
      return kExitProgramError;
    }
    std::cout << *document << std::flush;
    return kExitOk;
  });
}

}  // namespace strata::cli
