// `strata run [-f FILE] [TARGET] [--arg K=V]... [-- ARGS...]`: build the target, then run its
// image (entrypoint + cmd, or entrypoint + ARGS) in the sandbox with this terminal's stdio.
#include <iostream>

#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/schedule/image_config.h"
#include "runtime/schedule/rootfs_view.h"
#include "runtime/schedule/work_dir.h"

namespace strata::cli {
namespace {

std::vector<std::string> Strings(const nlohmann::json& config, const char* field) {
  std::vector<std::string> list;
  if (config.contains(field) && config[field].is_array())
    for (const nlohmann::json& item : config[field])
      if (item.is_string()) list.push_back(item);
  return list;
}

}  // namespace

int RunCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata run [-f FILE|Dockerfile] [TARGET] [--arg K=V | --build-arg K=V]... [build options] "
      "[-- ARGS...]";
  std::vector<std::string> own(args.begin(), args.end());
  std::vector<std::string> program_args;
  bool has_args = false;
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i] == "--") {
      own.assign(args.begin(), args.begin() + static_cast<long>(i));
      program_args.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      has_args = true;
      break;
    }
  po::options_description options("strata run");
  AddProgramOptions(options, /*with_args=*/true);
  AddBuildOptions(options);
  ParsedCommand parsed = ParseCommand(usage, options, own, 1);
  BuildFlags flags = GetBuildFlags(parsed);
  flags.image_leaves_store = false;  // it runs from the store's extracted layers

  return BuildTarget(flags, [&](const BuiltImage& built) {
    const nlohmann::json& config = built.image.config;
    exec::RunSpec spec;
    spec.argv = Strings(config, "Entrypoint");
    std::vector<std::string> cmd = has_args ? program_args : Strings(config, "Cmd");
    spec.argv.insert(spec.argv.end(), cmd.begin(), cmd.end());
    if (spec.argv.empty()) {
      std::cerr << "strata: error: the image has no entrypoint or cmd; give a command after --\n";
      return kExitUsage;
    }
    spec.env = Strings(config, "Env");
    spec.cwd = config.value("WorkingDir", std::string("/"));
    if (spec.cwd.empty()) spec.cwd = "/";
    spec.user = config.value("User", std::string());
    spec.inherit_stdio = true;
    spec.primary_group_in_groups = true;
    llvm::Expected<std::vector<std::string>> lowers =
        schedule::ExtractLayers(built.store, built.image);
    if (!lowers) {
      std::cerr << "strata: error: " << llvm::toString(lowers.takeError()) << "\n";
      return kExitProgramError;
    }
    spec.lower_dirs = *lowers;
    llvm::Expected<schedule::WorkDir> work = schedule::WorkDir::Create(built.store, "run-");
    if (!work) {
      std::cerr << "strata: error: " << llvm::toString(work.takeError()) << "\n";
      return kExitProgramError;
    }
    spec.upper_dir = work->Path() + "/upper";  // thrown away with the work dir
    spec.work_dir = work->Path() + "/work";
    llvm::Expected<exec::RunResult> result = built.runner.Run(spec);
    if (!result) {
      std::cerr << "strata: error: cannot run the image: " << llvm::toString(result.takeError())
                << "\n";
      return kExitProgramError;
    }
    return result->exit_code;
  });
}

}  // namespace strata::cli
