// The one Dockerfile pipeline: read, parse, splice ONBUILD triggers, hash the context, lower.
#include "compiler/driver/dockerfile_pipeline.h"

#include "compiler/dockerfile/dockerignore.h"
#include "compiler/dockerfile/parser.h"
#include "compiler/driver/onbuild_triggers.h"
#include "compiler/graph/ops.h"

namespace strata::driver {
namespace {

size_t ErrorCount(const diag::DiagnosticEngine& diags) {
  size_t count = 0;
  for (const diag::Diagnostic& d : diags.diagnostics())
    count += d.severity == diag::Severity::kError;
  return count;
}

// The node of a `--build-context` spec; null with `error` set when it cannot be read.
const graph::Node* MakeBuildContextNode(const std::string& spec, graph::Graph& graph,
                                        graph::LocalSourceHasher& hasher, std::string& error) {
  dockerfile::BuildContextSpec parsed = dockerfile::ParseBuildContextSpec(spec);
  switch (parsed.kind) {
    case dockerfile::BuildContextSpec::Kind::kImage:
      if (parsed.location.empty()) error = "docker-image:// needs an image reference";
      return parsed.location.empty() ? nullptr : graph::MakePull(graph, parsed.location, "");
    case dockerfile::BuildContextSpec::Kind::kOciLayout: {
      const graph::Node* layout =
          dockerfile::MakeContextNode(graph, hasher, parsed.location, {}, error,
                                      /*keep_modes=*/false);  // an OCI layout's blobs
      return layout ? graph::MakeLoad(graph, layout, parsed.tag) : nullptr;
    }
    case dockerfile::BuildContextSpec::Kind::kLocal: {
      std::string dir = dockerfile::AbsolutePath(parsed.location);
      return dockerfile::MakeContextNode(
          graph, hasher, dir, dockerfile::ReadDockerignore(dockerfile::FindDockerignore("", dir)),
          error);
    }
  }
  return nullptr;
}

}  // namespace

std::optional<ReadDockerfileResult> ReadDockerfile(const dockerfile::DockerfileInput& input,
                                                   diag::SourceManager& sources,
                                                   diag::DiagnosticEngine& diags) {
  ReadDockerfileResult out;
  std::string reason;
  std::optional<diag::FileId> id =
      input.text ? std::optional(sources.AddBuffer(input.dockerfile, *input.text))
                 : sources.AddFile(input.dockerfile, &reason);
  if (!id) {
    diags.Error({}, "cannot read Dockerfile " + input.dockerfile + ": " + reason);
    return std::nullopt;
  }
  out.file = *id;
  std::optional<dockerfile::Dockerfile> parsed = dockerfile::ParseDockerfile(sources, *id, diags);
  if (!parsed) return std::nullopt;
  out.dockerfile = std::move(*parsed);
  // Text from stdin has no file beside which a `.dockerignore` could be, and its context
  // defaults to the current directory (`docker build -f - .`).
  out.path = input.text ? "" : dockerfile::AbsolutePath(input.dockerfile);
  out.context_dir = !input.context_dir.empty() ? dockerfile::AbsolutePath(input.context_dir)
                    : input.text               ? dockerfile::AbsolutePath(".")
                                               : out.path.substr(0, out.path.find_last_of('/'));
  if (out.context_dir.empty()) out.context_dir = "/";
  out.context_exclude =
      dockerfile::ReadDockerignore(dockerfile::FindDockerignore(out.path, out.context_dir));
  return out;
}

const graph::Node* LowerDockerfileInput(const dockerfile::DockerfileInput& input,
                                        const DockerfileSettings& settings, graph::Graph& graph,
                                        graph::LocalSourceHasher& hasher,
                                        diag::SourceManager& sources,
                                        diag::DiagnosticEngine& diags) {
  size_t errors_before = ErrorCount(diags);
  std::optional<ReadDockerfileResult> read = ReadDockerfile(input, sources, diags);
  if (!read) return nullptr;
  // Base images' configs: their ONBUILD triggers run after their FROM, and their Env is what
  // `$VAR` expands with.
  BaseImageConfigs bases(settings.base_images, input.build_contexts, settings.lockfile);
  if (!SpliceOnbuildTriggers(
          read->dockerfile, [&bases](const std::string& base) { return bases.Triggers(base); },
          sources, diags))
    return nullptr;

  dockerfile::LowerOptions lower;
  lower.build_args = input.build_args;
  lower.target = input.target;
  lower.hasher = &hasher;
  lower.base_image_env = bases.EnvFunction();
  lower.base_image_defaults = bases.DefaultsFunction();
  diag::FileId file = read->file;
  lower.pin_image = [&settings, &diags, file](const std::string& ref, diag::SourceRange at) {
    std::string digest = settings.lockfile ? settings.lockfile->Lookup(ref) : "";
    if (settings.locked && digest.empty() && ref.find("@sha256:") == std::string::npos)
      diags.Error(at.valid() ? at : diag::SourceRange{file, 0, 0},
                  "--locked: image \"" + ref +
                      "\" (a FROM) is not pinned by strata.lock (run `strata lock`)");
    return digest;
  };
  std::string error;
  lower.context = input.context ? input.context
                                : dockerfile::MakeContextNode(graph, hasher, read->context_dir,
                                                              read->context_exclude, error);
  if (!lower.context) {
    diags.Error({file, 0, 0}, "cannot read the build context: " + error);
    return nullptr;
  }
  for (const auto& [name, spec] : input.build_contexts) {
    const graph::Node* node = MakeBuildContextNode(spec, graph, hasher, error);
    if (!node) {
      diags.Error({file, 0, 0}, "cannot read build context \"" + name + "\": " + error);
      return nullptr;
    }
    lower.build_contexts[name] = node;
  }
  const graph::Node* root = dockerfile::LowerDockerfile(read->dockerfile, lower, graph, diags);
  return ErrorCount(diags) > errors_before ? nullptr : root;
}

}  // namespace strata::driver
