// Lowering a Dockerfile to the derivation graph (the ops of compiler/graph/ops.h).
//
// Each FROM is scratch, an earlier stage, a named build context or a pull; RUN is exec (ARG
// values as the step's env), COPY/ADD are copy of a select of the context, a stage, an image
// or a fetch; the other instructions are config nodes. Only the stages the target needs are
// lowered. docs/dockerfile.md lists every rule and what is rejected.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/dockerfile/args.h"
#include "compiler/dockerfile/instructions.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/node.h"

namespace strata::dockerfile {

// The digest `strata.lock` pins a reference to, or "" (the pull stays unpinned); `at` is the
// FROM (or COPY --from) that names it, for an error about a missing pin.
using ImagePinner = std::function<std::string(const std::string& ref, diag::SourceRange at)>;

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
  // Their User, WorkingDir and whether Env has PATH (args.h); may be empty.
  BaseImageDefaultsFn base_image_defaults;
};

// The target stage's node, or null after reporting every error to `diags`.
const graph::Node* LowerDockerfile(const Dockerfile& dockerfile, const LowerOptions& options,
                                   graph::Graph& graph, diag::DiagnosticEngine& diags);

// A Dockerfile to lower, as `strata build -f`, `strata import` and the `dockerfile` builtin
// give it; compiler/driver/dockerfile_pipeline.h is the one place that lowers it.
struct DockerfileInput {
  std::string dockerfile;  // the Dockerfile's path (a name such as "<stdin>" when `text` is set)
  std::optional<std::string> text;  // the Dockerfile's text when it is not read from `dockerfile`
  std::string context_dir;          // "" for the Dockerfile's directory (the current one for text)
  // The context as a node (the `dockerfile` builtin's `context` option); overrides context_dir.
  const graph::Node* context = nullptr;
  std::map<std::string, std::string> build_args;
  std::string target;  // stage name or index; "" for the last
  // NAME -> `local:DIR` (or a plain DIR), `oci-layout://DIR[:TAG]`, `docker-image://REF`.
  std::map<std::string, std::string> build_contexts;
};

// How the evaluator's `dockerfile` builtin reaches the driver's pipeline (the evaluator sits
// below the driver): the target stage's node, or null after reporting errors to `diags`.
using DockerfileLowerer =
    std::function<const graph::Node*(const DockerfileInput&, diag::DiagnosticEngine& diags)>;

// A `--build-context` value: `local:DIR` or a plain DIR, `oci-layout://DIR[:TAG]`,
// `docker-image://REF`.
struct BuildContextSpec {
  enum class Kind { kLocal, kOciLayout, kImage };
  Kind kind = Kind::kLocal;
  std::string location;  // the directory, or the image reference
  std::string tag;       // oci-layout's optional tag (the layout's only image is used)
};
BuildContextSpec ParseBuildContextSpec(const std::string& spec);

}  // namespace strata::dockerfile
