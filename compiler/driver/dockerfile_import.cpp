// `strata import`: a Dockerfile translated to a Strata program, or dumped as BuildKit's parser
// does.
#include "compiler/driver/dockerfile_import.h"

#include "compiler/dockerfile/dockerignore.h"
#include "compiler/dockerfile/dump.h"
#include "compiler/dockerfile/parser.h"
#include "compiler/dockerfile/translate.h"
#include "compiler/driver/dockerfile_pipeline.h"
#include "compiler/driver/format_source.h"
#include "compiler/eval/builtins.h"

namespace strata::driver {

std::optional<std::string> TranslateDockerfile(Frontend& frontend, const ImportOptions& options) {
  const dockerfile::DockerfileInput& input = options.input;
  std::optional<ReadDockerfileResult> read =
      ReadDockerfile(input, frontend.sources(), frontend.diags());
  if (!read) return std::nullopt;
  llvm::Expected<std::optional<graph::Lockfile>> lock =
      graph::Lockfile::Load(graph::LockfilePathFor(input.dockerfile));
  graph::Lockfile lockfile;
  if (!lock) {
    frontend.Error({}, llvm::toString(lock.takeError()));
    return std::nullopt;
  }
  if (*lock) lockfile = std::move(**lock);
  DockerfileSettings settings = frontend.dockerfile_settings();
  BaseImageConfigs bases(settings.base_images, input.build_contexts, &lockfile);

  dockerfile::TranslateOptions translate;
  translate.context_dir = read->context_dir;
  translate.context_exclude = read->context_exclude;
  translate.target = input.target;
  translate.build_args = input.build_args;
  translate.build_contexts = input.build_contexts;
  translate.source_name = read->path.substr(read->path.find_last_of('/') + 1);
  if (!options.output_file.empty()) {
    std::string output = dockerfile::AbsolutePath(options.output_file);
    translate.output_dir = output.substr(0, output.find_last_of('/'));
    if (translate.output_dir.empty()) translate.output_dir = "/";
  }
  for (std::string_view name : eval::BuiltinNames()) translate.reserved_names.emplace_back(name);
  // Base images' Env, for `$VAR` in ENV and friends: as `strata build -f` sees it, so that the
  // translation keeps the keys.
  translate.base_image_env = bases.EnvFunction();
  translate.base_image_defaults = bases.DefaultsFunction();
  std::optional<std::string> program =
      dockerfile::TranslateDockerfile(read->dockerfile, translate, frontend.diags());
  if (!program) return std::nullopt;
  // The program in `strata fmt`'s layout, so that formatting an imported file changes nothing.
  FormatOutcome formatted = FormatSource(translate.source_name + ".strata", *program);
  if (!formatted.ok) {
    frontend.Error({}, "internal error: the translation does not parse:\n" + formatted.rendered);
    return std::nullopt;
  }
  return std::move(formatted.text);
}

bool DumpDockerfileAst(Frontend& frontend, const std::string& path, std::ostream& out) {
  std::string reason;
  std::optional<diag::FileId> file = frontend.sources().AddFile(path, &reason);
  if (!file) {
    frontend.Error({}, "cannot read " + path + ": " + reason);
    return false;
  }
  std::optional<dockerfile::Dockerfile> syntax =
      dockerfile::ParseDockerfileSyntax(frontend.sources(), *file, frontend.diags());
  if (!syntax) return false;
  dockerfile::DumpAst(out, *syntax);
  return true;
}

}  // namespace strata::driver
