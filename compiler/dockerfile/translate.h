// Translating a Dockerfile into an idiomatic Strata program (`strata import`).
//
// The program is built from the same plan as the direct lowering (lower_plan.h), so
// `strata graph` of the translation gives the same derivation keys as `strata build -f
// Dockerfile` on the same context: one `let` binding per stage, pipelines of the builtins,
// global ARGs as parameters of a top-level function, comments beside their instructions, and
// a record with the final stage as `default` and every named stage as an attribute.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/args.h"
#include "compiler/dockerfile/instructions.h"

namespace strata::dockerfile {

struct TranslateOptions {
  std::map<std::string, std::string> build_args;      // baked into the parameters' defaults
  std::string target;                                 // the `default` stage; "" for the last
  std::string context_dir;                            // absolute; "" when there is none
  std::vector<std::string> context_exclude;           // its .dockerignore patterns
  std::map<std::string, std::string> build_contexts;  // NAME -> spec (lower.h)
  // The directory the program will be saved in: path literals are relative to it.
  std::string output_dir = ".";
  std::string source_name = "Dockerfile";  // named in the header comment
  // Names the program must not bind (the builtins): a stage or ARG with such a name is
  // renamed or kept literal. Keywords are always reserved.
  std::vector<std::string> reserved_names;
  // The env of external base images (args.h): the same as the build's, so that keys match.
  BaseImageEnv base_image_env;
  BaseImageDefaultsFn base_image_defaults;  // likewise (args.h)
};

// The program's text, or nullopt after reporting errors (the same ones the lowering reports).
std::optional<std::string> TranslateDockerfile(const Dockerfile& dockerfile,
                                               const TranslateOptions& options,
                                               diag::DiagnosticEngine& diags);

// Strata source for a string: `"..."` with escapes, or an indented string `''...''` for
// multi-line text when that reads back to exactly the same bytes.
std::string StrataString(const std::string& text, bool allow_indented = false, size_t indent = 4);

}  // namespace strata::dockerfile
