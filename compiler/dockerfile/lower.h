// Lowering a Dockerfile to the derivation graph (the ops of compiler/graph/ops.h).
//
// Each FROM is scratch, an earlier stage, a named build context or a pull; RUN is exec (ARG
// values as the step's env), COPY/ADD are copy of a select of the context, a stage, an image
// or a fetch; the other instructions are config nodes. Only the stages the target needs are
// lowered. docs/dockerfile.md lists every rule and what is rejected.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/dockerfile/args.h"
#include "compiler/dockerfile/instructions.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/node.h"

namespace strata::dockerfile {

// The digest `strata.lock` pins a reference to, or "" (the pull stays unpinned).
using ImagePinner = std::function<std::string(const std::string& ref)>;

struct LowerOptions {
  std::map<std::string, std::string> build_args;  // `--build-arg K=V`
  std::string target;                             // stage name or index; "" for the last
  std::string target_platform = "linux/amd64";
  // The build context: a `local` node (MakeContextNode), or null when there is none. Its
  // `path` and `exclude` params say where the files are and what .dockerignore left out.
  const graph::Node* context = nullptr;
  // `--build-context NAME=...`: a local node (a directory) or a Stage (an image).
  std::map<std::string, const graph::Node*> build_contexts;
  ImagePinner pin_image;
  // Narrows selections of local sources to nodes keyed by the selected files' content
  // (graph::SelectPath); without it every COPY source is a select of the whole context.
  graph::LocalSourceHasher* hasher = nullptr;
  // The env of external base images, for `$VAR` in ENV and friends (args.h); may be empty.
  BaseImageEnv base_image_env;
};

// The target stage's node, or null after reporting every error to `diags`.
const graph::Node* LowerDockerfile(const Dockerfile& dockerfile, const LowerOptions& options,
                                   graph::Graph& graph, diag::DiagnosticEngine& diags);

// What `strata build -f Dockerfile` and the `dockerfile` builtin give.
struct DockerfileFileOptions {
  std::string dockerfile;   // the Dockerfile's path
  std::string context_dir;  // "" for the Dockerfile's directory
  std::map<std::string, std::string> build_args;
  std::string target;
  // NAME -> `local:DIR` (or a plain DIR), `oci-layout://DIR[:TAG]`, `docker-image://REF`.
  std::map<std::string, std::string> build_contexts;
  ImagePinner pin_image;
};

// Reads, parses, expands and lowers a Dockerfile file; the context is hashed without what
// its .dockerignore excludes. Null after reporting errors (with `sources` holding the file).
const graph::Node* LowerDockerfileFile(const DockerfileFileOptions& options, graph::Graph& graph,
                                       graph::LocalSourceHasher& hasher,
                                       diag::SourceManager& sources, diag::DiagnosticEngine& diags);

// A `--build-context` value: `local:DIR` or a plain DIR, `oci-layout://DIR[:TAG]`,
// `docker-image://REF`.
struct BuildContextSpec {
  enum class Kind { kLocal, kOciLayout, kImage };
  Kind kind = Kind::kLocal;
  std::string location;  // the directory, or the image reference
  std::string tag;       // oci-layout's optional tag (the layout's only image is used)
};
BuildContextSpec ParseBuildContextSpec(const std::string& spec);

// Makes the nodes of `--build-context` specs (shared with the translation's checks). Null
// with `error` set for a spec that cannot be read.
const graph::Node* MakeBuildContextNode(const std::string& spec, graph::Graph& graph,
                                        graph::LocalSourceHasher& hasher, std::string& error);


}  // namespace strata::dockerfile
