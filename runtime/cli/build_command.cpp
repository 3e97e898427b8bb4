// `strata build [-f FILE] [TARGET] [-o OUTPUT]... ...`: build a Stage target (of a Strata program
// or a Dockerfile) into the store and export it; the image ID is the last line of stdout.
#include <filesystem>
#include <iostream>

#include "runtime/cli/build_target.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/docker_engine.h"
#include "runtime/cli/output_spec.h"
#include "runtime/cli/sbom_output.h"
#include "runtime/oci/file_copy.h"
#include "runtime/oci/registry.h"
#include "runtime/schedule/registry_cache.h"

namespace strata::cli {

int BuildCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata build [-f FILE] [TARGET] [--arg K=V]... [-o OUTPUT]... [-j N] [--store DIR]\n"
      "       [--progress auto|plain|json] [--secret id=ID,src=FILE]... [--no-cache]\n"
      "       [--source-date-epoch N] [--compression gzip|zstd] [--sbom FILE [--sbom-format "
      "spdx|cyclonedx]]\n"
      "       [--cache-from docker://HOST/REPO]... [--cache-to docker://HOST/REPO] [--engine "
      "strata|docker]\n"
      "       Dockerfile (-f Dockerfile, or --frontend dockerfile): [--context DIR] [--build-arg "
      "K=V]...\n"
      "       [--build-context NAME=local:DIR|oci-layout://DIR[:TAG]]... [--target NAME]";
  po::options_description options("strata build");
  AddProgramOptions(options, /*with_args=*/true);
  options.add_options()(
      "output,o", po::value<std::vector<std::string>>()->composing()->value_name("OUTPUT"),
      "oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF] or docker://REF "
      "(repeatable)");
  AddBuildOptions(options);
  AddSbomOptions(options);
  options.add_options()(
      "cache-from",
      po::value<std::vector<std::string>>()->composing()->value_name("docker://HOST/REPO"),
      "fetch node outputs from this registry cache instead of building them (repeatable)")(
      "cache-to", po::value<std::string>()->value_name("docker://HOST/REPO"),
      "push the output of every shareable node to this registry cache")(
      "engine", po::value<std::string>()->default_value("strata"),
      "strata, or docker: export a Dockerfile and build it on the Docker Engine of DOCKER_HOST");
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  auto cache_repository = [](const std::string& flag, const std::string& text) {
    llvm::Expected<oci::ImageReference> ref = schedule::ParseCacheRepository(text);
    if (!ref) throw UsageError{flag + " " + llvm::toString(ref.takeError())};
    return *ref;
  };
  std::optional<oci::ImageReference> cache_to;
  if (parsed.values.count("cache-to"))
    cache_to = cache_repository("--cache-to", parsed.values["cache-to"].as<std::string>());
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
  flags.check_blobs = !outputs.empty() || cache_to;
  if (parsed.values.count("cache-from"))
    for (const std::string& text : parsed.values["cache-from"].as<std::vector<std::string>>())
      flags.cache_from.push_back(cache_repository("--cache-from", text));
  flags.one_target = !outputs.empty() || parsed.values.count("sbom");
  flags.digests_only = outputs.empty() && !cache_to && !parsed.values.count("sbom");
  flags.image_leaves_store = !flags.digests_only;
  std::optional<SbomRequest> sbom_request = GetSbomRequest(parsed.values);
  std::string image_name = flags.target.empty() ? "dockerfile" : flags.target;
  // --engine docker: BuildKit builds, and the store takes its image in (docker_engine.h).
  std::string engine = parsed.values["engine"].as<std::string>();
  if (engine != "strata" && engine != "docker")
    throw UsageError{"unknown --engine '" + engine + "': expected strata or docker"};
  if (engine == "docker" && (cache_to || !flags.cache_from.empty()))
    throw UsageError{
        "--cache-from and --cache-to are Strata's cache; with --engine docker use "
        "the engine's own (docs/export.md)"};
  std::string engine_dir;
  struct RemoveDir {
    std::string& dir;
    ~RemoveDir() {
      std::error_code ignored;
      if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
    }
  } remove_engine_dir{engine_dir};
  if (engine == "docker")
    if (int code = PrepareDockerEngineBuild(flags, engine_dir); code != kExitOk) return code;

  return BuildTarget(flags, [&](const BuiltImage& built) {
    // The SBOM is made first: when it cannot be, no output is written.
    std::string document;
    if (sbom_request) {
      llvm::Expected<std::string> made = MakeSbomDocument(built, *sbom_request, image_name);
      if (!made) {
        std::cerr << "strata: error: " << llvm::toString(made.takeError()) << "\n";
        return kExitProgramError;
      }
      document = std::move(*made);
    }
    for (const OutputSpec& output : outputs) {
      llvm::Error err = llvm::Error::success();
      switch (output.kind) {
        case OutputSpec::Kind::kOciLayout:
          err = oci::ExportOciLayout(built.store, built.image, built.written, output.path,
                                     output.tag);
          break;
        case OutputSpec::Kind::kOciArchive:
          err = sbom_request ? ExportOciArchiveWithSbom(built, *sbom_request, document, output)
                             : oci::ExportOciArchive(built.store, built.image, built.written,
                                                     output.path, output.tag);
          break;
        case OutputSpec::Kind::kDockerArchive:
          err = oci::ExportDockerArchive(built.store, built.image, built.written, output.path,
                                         output.tag);
          break;
        case OutputSpec::Kind::kRegistry:
          err = oci::PushImage(built.store, built.image, built.written, output.path);
          break;
      }
      if (!err && sbom_request) err = AttachSbom(built, *sbom_request, document, output);
      if (err) {
        std::cerr << "strata: error: cannot write output '" << output.path
                  << "': " << llvm::toString(std::move(err)) << "\n";
        return kExitProgramError;
      }
    }
    // The cache goes after the outputs: a registry that refuses it fails the build (exit 1),
    // as BuildKit's cache export does, but what -o wrote stays written.
    if (cache_to) {
      std::string name = cache_to->registry + "/" + cache_to->repository;
      llvm::Expected<schedule::CachePushStats> pushed =
          schedule::PushCache(built.store, *cache_to, built.node, built.options.layer);
      if (!pushed) {
        std::cerr << "strata: error: cannot push the build cache to " << name << ": "
                  << llvm::toString(pushed.takeError()) << "\n";
        return kExitProgramError;
      }
      std::cerr << "strata: cache pushed to " << name << ": " << pushed->pushed
                << " node(s) pushed, " << pushed->present << " already there, "
                << pushed->unshareable << " not shareable (unpinned inputs), "
                << schedule::HumanSize(static_cast<int64_t>(pushed->bytes)) << " uploaded\n";
    }
    if (sbom_request) {
      if (llvm::Error err = oci::WriteFileAtomic(sbom_request->file, document)) {
        std::cerr << "strata: error: cannot write the SBOM: " << llvm::toString(std::move(err))
                  << "\n";
        return kExitProgramError;
      }
    }
    // The image ID (the config's digest, as `docker build` and `podman build` print it): the
    // same whether the image left the store (its manifest, which names compressed layers, is
    // said on stderr) or stayed. A label build prints `ID LABEL` for each target, in label order.
    if (!outputs.empty())
      std::cerr << "strata: manifest " << built.written.manifest_digest
                << (built.label.empty() ? "" : " (" + built.label + ")") << "\n";
    std::cout << built.written.config_digest << (built.label.empty() ? "" : " " + built.label)
              << "\n";
    return kExitOk;
  });
}

}  // namespace strata::cli
