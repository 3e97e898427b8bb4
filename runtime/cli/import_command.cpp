// `strata import [--context DIR] [--target NAME] [--build-arg K=V]... [-o FILE] Dockerfile`:
// print the Dockerfile as a Strata program (`--dump-ast`: BuildKit's parser dump instead;
// `--graph`: the derivation graph of the direct lowering).
#include <fstream>
#include <iostream>

#include "compiler/driver/dockerfile_import.h"
#include "compiler/graph/print.h"
#include "compiler/support/atomic_file.h"
#include "runtime/cli/base_images.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/options.h"

namespace strata::cli {

int ImportCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata import [--context DIR] [--target NAME] [--build-arg K=V]... "
      "[--build-context NAME=SPEC]... [-o FILE] [--dump-ast] Dockerfile";
  po::options_description options("strata import");
  options.add_options()("context", po::value<std::string>()->value_name("DIR"),
                        "the build context (default: the Dockerfile's directory)")(
      "target", po::value<std::string>()->value_name("NAME"), "the stage that becomes `default`")(
      "build-arg", po::value<std::vector<std::string>>()->composing()->value_name("K=V"),
      "a build argument: the default of its parameter (repeatable)")(
      "build-context", po::value<std::vector<std::string>>()->composing()->value_name("NAME=SPEC"),
      "a named context: local:DIR, oci-layout://DIR[:TAG] or docker-image://REF (repeatable)")(
      "output,o", po::value<std::string>()->value_name("FILE"),
      "write the program to FILE (paths in it are relative to FILE's directory; default: "
      "stdout, paths relative to the current directory)")(
      "dump-ast", po::bool_switch(), "print the parsed Dockerfile in BuildKit's dump format")(
      "graph", po::bool_switch(),
      "print the derivation graph of the direct lowering (text) instead of the program");
  ParsedCommand parsed = cli::ParseCommand(usage, options, args, 1);
  if (parsed.positional.empty()) throw UsageError{"missing the Dockerfile\nusage: " + usage};
  std::string path = parsed.positional[0];

  std::string store_dir = StoreDir(parsed.values);
  // Base images' configs as `strata build -f` sees them (a registry image's config is pulled
  // when a registry answers), so that the translation and --graph keep the build's keys.
  RegistryBaseImages base_images(store_dir, /*may_create_store=*/true);
  driver::FrontendOptions frontend_options = FrontendOptionsFor(store_dir, /*writes=*/true);
  frontend_options.base_images = &base_images;
  driver::Frontend frontend(frontend_options);
  // The dump is BuildKit's parser output: instruction checks (unknown flags, an incomplete
  // HEALTHCHECK) are not part of it, as they are not of BuildKit's.
  if (parsed.values["dump-ast"].as<bool>()) {
    driver::DumpDockerfileAst(frontend, path, std::cout);
    return FinishFrontend(frontend);
  }
  driver::ImportOptions import;
  import.input.dockerfile = path;
  if (parsed.values.count("context"))
    import.input.context_dir = parsed.values["context"].as<std::string>();
  if (parsed.values.count("target"))
    import.input.target = parsed.values["target"].as<std::string>();
  import.input.build_args = KeyValues(parsed.values, "build-arg");
  import.input.build_contexts = KeyValues(parsed.values, "build-context");
  if (parsed.values["graph"].as<bool>()) {
    // The graph `strata build -f` builds: the one pipeline, pinned by the same strata.lock.
    const graph::Node* root = frontend.LowerDockerfile(import.input);
    if (root) graph::PrintText(std::cout, {root});
    return FinishFrontend(frontend);
  }
  std::string output =
      parsed.values.count("output") ? parsed.values["output"].as<std::string>() : "";
  import.output_file = output;
  std::optional<std::string> program = driver::TranslateDockerfile(frontend, import);
  if (!program) return FinishFrontend(frontend);
  if (output.empty()) {
    std::cout << *program;
  } else {
    // A failed import leaves no half-written program.
    if (llvm::Error err = support::WriteFileAtomic(output, *program)) {
      std::cerr << "strata: " << llvm::toString(std::move(err)) << "\n";
      return kExitProgramError;
    }
  }
  return FinishFrontend(frontend);
}

}  // namespace strata::cli
