// `strata build [-f FILE] [TARGET] [-o OUTPUT]... ...`: build a Stage target (of a Strata program
// or a Dockerfile) into the store and export it; the manifest digest is the last line of stdout.
#include <iostream>

#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/output_spec.h"
#include "runtime/oci/registry.h"

namespace strata::cli {

int BuildCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata build [-f FILE] [TARGET] [--arg K=V]... [-o OUTPUT]... [-j N] [--store DIR]\n"
      "       [--progress auto|plain|json] [--secret id=ID,src=FILE]... [--no-cache]\n"
      "       [--source-date-epoch N] [--compression gzip|zstd]\n"
      "       Dockerfile (-f Dockerfile, or --frontend dockerfile): [--context DIR] [--build-arg K=V]...\n"
      "       [--build-context NAME=local:DIR|oci-layout://DIR[:TAG]]... [--target NAME]";
  po::options_description options("strata build");
  AddProgramOptions(options, /*with_args=*/true);
  options.add_options()("output,o", po::value<std::vector<std::string>>()->composing()->value_name("OUTPUT"),
                        "oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF] or docker://REF "
                        "(repeatable)");
  AddBuildOptions(options);
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  std::vector<OutputSpec> outputs;
  if (parsed.values.count("output"))
    for (const std::string& text : parsed.values["output"].as<std::vector<std::string>>()) {
      std::string error;
      std::optional<OutputSpec> spec = ParseOutputSpec(text, error);
      if (!spec) throw UsageError{error};
      if (std::optional<std::string> problem = CheckOutputTarget(*spec)) throw UsageError{*problem};
      outputs.push_back(*spec);
    }
  BuildFlags flags = GetBuildFlags(parsed);
  flags.check_blobs = !outputs.empty();

  return BuildTarget(flags, [&](const BuiltImage& built) {
    for (const OutputSpec& output : outputs) {
      llvm::Error err = llvm::Error::success();
      switch (output.kind) {
        case OutputSpec::Kind::kOciLayout:
          err = oci::ExportOciLayout(built.store, built.image, built.written, output.path, output.tag);
          break;
        case OutputSpec::Kind::kOciArchive:
          err = oci::ExportOciArchive(built.store, built.image, built.written, output.path, output.tag);
          break;
        case OutputSpec::Kind::kDockerArchive:
          err = oci::ExportDockerArchive(built.store, built.image, built.written, output.path, output.tag);
          break;
        case OutputSpec::Kind::kRegistry:
          err = oci::PushImage(built.store, built.image, built.written, output.path);
          break;
      }
      if (err) {
        std::cerr << "strata: error: cannot write output '" << output.path << "': " << llvm::toString(std::move(err))
                  << "\n";
        return kExitProgramError;
      }
    }
    std::cout << built.written.manifest_digest << "\n";
    return kExitOk;
  });
}

}  // namespace strata::cli
