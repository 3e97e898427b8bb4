// `strata export --dockerfile DIR [-f FILE] [TARGET|LABEL]`: the target as a multi-stage
// Dockerfile and build context that BuildKit builds into the same image (docs/export.md).
#include <filesystem>
#include <iostream>

#include "runtime/cli/commands.h"
#include "runtime/cli/export_target.h"

namespace strata::cli {

int ExportCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata export --dockerfile DIR [-f FILE] [TARGET|LABEL] [--arg K=V]... [build options]";
  po::options_description options("strata export");
  options.add_options()("dockerfile", po::value<std::string>()->value_name("DIR"),
                        "write DIR/Dockerfile and its build context (DIR new or empty)");
  AddProgramOptions(options, /*with_args=*/true);
  AddBuildOptions(options);
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  if (!parsed.values.count("dockerfile") || parsed.values["dockerfile"].as<std::string>().empty())
    throw UsageError{"export needs --dockerfile DIR\nusage: " + usage};
  std::string dir = parsed.values["dockerfile"].as<std::string>();
  BuildFlags flags = GetBuildFlags(parsed);
  if (std::string problem = PrepareExportDir(dir); !problem.empty()) {
    std::cerr << "strata: error: " << problem << "\n";
    return kExitProgramError;
  }
  exporter::ExportResult result;
  int code = ExportTarget(flags, dir, result);
  if (code != kExitOk) {
    // No half-written export: DIR is left empty, as it was or as it was made.
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ignored))
      std::filesystem::remove_all(entry.path(), ignored);
    return code;
  }
  std::cerr << "strata: wrote " << dir
            << "/Dockerfile; build it with BuildKit: DOCKER_BUILDKIT=1 docker build"
            << (result.network ? "" : " --network=none");
  for (const std::string& id : result.secrets) std::cerr << " --secret id=" << id << ",src=FILE";
  std::cerr << " " << dir << "\n";
  return kExitOk;
}

}  // namespace strata::cli
