// `strata import [--context DIR] [--target NAME] [--build-arg K=V]... [-o FILE] Dockerfile`:
// print the Dockerfile as a Strata program (`--dump-ast`: BuildKit's parser dump instead;
// `--graph`: the derivation graph of the direct lowering).
#include <fstream>
#include <iostream>

#include "compiler/dockerfile/dockerignore.h"
#include "compiler/dockerfile/dump.h"
#include "compiler/dockerfile/lower.h"
#include "compiler/dockerfile/parser.h"
#include "compiler/dockerfile/translate.h"
#include "compiler/eval/builtins.h"
#include "compiler/eval/lockfile.h"
#include "compiler/graph/print.h"
#include "runtime/cli/base_images.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

namespace strata::cli {
namespace {

std::map<std::string, std::string> KeyValues(const po::variables_map& values, const char* name) {
  std::map<std::string, std::string> out;
  if (!values.count(name)) return out;
  for (const std::string& item : values[name].as<std::vector<std::string>>()) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError{"malformed --" + std::string(name) + " '" + item + "': expected NAME=VALUE"};
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

}  // namespace

int ImportCommand(const std::vector<std::string>& args) {
  const std::string usage =
      "strata import [--context DIR] [--target NAME] [--build-arg K=V]... "
      "[--build-context NAME=SPEC]... [-o FILE] [--dump-ast] Dockerfile";
  po::options_description options("strata import");
  options.add_options()
      ("context", po::value<std::string>()->value_name("DIR"),
       "the build context (default: the Dockerfile's directory)")
      ("target", po::value<std::string>()->value_name("NAME"), "the stage that becomes `default`")
      ("build-arg", po::value<std::vector<std::string>>()->composing()->value_name("K=V"),
       "a build argument: the default of its parameter (repeatable)")
      ("build-context", po::value<std::vector<std::string>>()->composing()->value_name("NAME=SPEC"),
       "a named context: local:DIR, oci-layout://DIR[:TAG] or docker-image://REF (repeatable)")
      ("output,o", po::value<std::string>()->value_name("FILE"),
       "write the program to FILE (paths in it are relative to FILE's directory; default: "
       "stdout, paths relative to the current directory)")
      ("dump-ast", po::bool_switch(), "print the parsed Dockerfile in BuildKit's dump format")
      ("graph", po::bool_switch(),
       "print the derivation graph of the direct lowering (text) instead of the program");
  ParsedCommand parsed = cli::ParseCommand(usage, options, args, 1);
  if (parsed.positional.empty()) throw UsageError{"missing the Dockerfile\nusage: " + usage};
  std::string path = parsed.positional[0];

  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  auto finish = [&](int ok_code) {
    diags.Print(std::cerr, sources);
    return diags.has_errors() ? kExitProgramError : ok_code;
  };
  std::string reason;
  std::optional<diag::FileId> file = sources.AddFile(path, &reason);
  if (!file) {
    std::cerr << "strata: error: cannot read " << path << ": " << reason << "\n";
    return kExitProgramError;
  }
  // The dump is BuildKit's parser output: instruction checks (unknown flags, an incomplete
  // HEALTHCHECK) are not part of it, as they are not of BuildKit's.
  if (parsed.values["dump-ast"].as<bool>()) {
    std::optional<dockerfile::Dockerfile> syntax =
        dockerfile::ParseDockerfileSyntax(sources, *file, diags);
    if (!syntax) return finish(kExitProgramError);
    dockerfile::DumpAst(std::cout, *syntax);
    return finish(kExitOk);
  }
  std::optional<dockerfile::Dockerfile> dockerfile = dockerfile::ParseDockerfile(sources, *file, diags);
  if (!dockerfile) return finish(kExitProgramError);

  dockerfile::TranslateOptions translate;
  std::string absolute = dockerfile::AbsolutePath(path);
  translate.context_dir = parsed.values.count("context")
                              ? dockerfile::AbsolutePath(parsed.values["context"].as<std::string>())
                              : absolute.substr(0, absolute.find_last_of('/'));
  if (translate.context_dir.empty()) translate.context_dir = "/";
  translate.context_exclude =
      dockerfile::ReadDockerignore(dockerfile::FindDockerignore(absolute, translate.context_dir));
  if (parsed.values.count("target")) translate.target = parsed.values["target"].as<std::string>();
  translate.build_args = KeyValues(parsed.values, "build-arg");
  translate.build_contexts = KeyValues(parsed.values, "build-context");
  translate.source_name = absolute.substr(absolute.find_last_of('/') + 1);
  std::string output = parsed.values.count("output") ? parsed.values["output"].as<std::string>() : "";
  if (!output.empty()) {
    std::string out_abs = dockerfile::AbsolutePath(output);
    translate.output_dir = out_abs.substr(0, out_abs.find_last_of('/'));
    if (translate.output_dir.empty()) translate.output_dir = "/";
  }
  for (std::string_view name : eval::BuiltinNames()) translate.reserved_names.emplace_back(name);
  // Base images' Env, for `$VAR` in ENV and friends: as `strata build -f` sees it, so that the
  // translation keeps the keys (a registry image's config is pulled when a registry answers).
  std::shared_ptr<const eval::Lockfile> lockfile;
  if (llvm::Expected<std::optional<eval::Lockfile>> lock = eval::Lockfile::Load(eval::LockfilePathFor(path)); !lock)
    llvm::consumeError(lock.takeError());
  else if (*lock)
    lockfile = std::make_shared<const eval::Lockfile>(std::move(**lock));
  BaseImages bases(translate.build_contexts, lockfile);
  translate.base_image_env = bases.EnvFunction();

  if (parsed.values["graph"].as<bool>()) {
    // The same lowering `strata build -f` does, for comparing keys with the translation's.
    graph::Graph graph;
    graph::LocalSourceHasher hasher;
    dockerfile::LowerOptions lower;
    lower.base_image_env = translate.base_image_env;
    lower.build_args = translate.build_args;
    lower.target = translate.target;
    std::string error;
    lower.context = dockerfile::MakeContextNode(graph, hasher, translate.context_dir,
                                                translate.context_exclude, error);
    if (!lower.context) {
      std::cerr << "strata: cannot read the build context: " << error << "\n";
      return kExitProgramError;
    }
    for (const auto& [name, spec] : translate.build_contexts) {
      const graph::Node* node = dockerfile::MakeBuildContextNode(spec, graph, hasher, error);
      if (!node) {
        std::cerr << "strata: cannot read build context \"" << name << "\": " << error << "\n";
        return kExitProgramError;
      }
      lower.build_contexts[name] = node;
    }
    lower.hasher = &hasher;
    const graph::Node* root = dockerfile::LowerDockerfile(*dockerfile, lower, graph, diags);
    if (root) graph::PrintText(std::cout, {root});
    return finish(kExitOk);
  }

  std::optional<std::string> program = dockerfile::TranslateDockerfile(*dockerfile, translate, diags);
  if (!program) return finish(kExitProgramError);
  if (output.empty()) {
    std::cout << *program;
  } else {
    // Temp file + rename: a failed import leaves no half-written program.
    std::string temp = output + ".tmp";
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out << *program;
      if (!out.flush()) {
        std::cerr << "strata: cannot write " << temp << "\n";
        return kExitProgramError;
      }
    }
    if (std::rename(temp.c_str(), output.c_str()) != 0) {
      std::remove(temp.c_str());
      std::cerr << "strata: cannot write " << output << "\n";
      return kExitProgramError;
    }
  }
  return finish(kExitOk);
}

}  // namespace strata::cli
