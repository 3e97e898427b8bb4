// `strata import`: a Dockerfile translated to a Strata program, or dumped as BuildKit's parser
// prints it; read through the same pipeline steps as a build (dockerfile_pipeline.h).
#pragma once

#include <iosfwd>
#include <map>
#include <optional>
#include <string>

#include "compiler/driver/frontend.h"

namespace strata::driver {

struct ImportOptions {
  dockerfile::DockerfileInput input;
  // The file the program will be saved in (its path literals are relative to its directory);
  // "" for stdout (relative to the current directory).
  std::string output_file;
};

// The Strata program of the Dockerfile, or nullopt after errors (in the frontend's
// diagnostics). Base images' Env comes from the frontend's base image source, pinned by the
// strata.lock beside the Dockerfile, as `strata build -f` sees it.
std::optional<std::string> TranslateDockerfile(Frontend& frontend, const ImportOptions& options);

// Prints the Dockerfile in BuildKit's parser dump format (no instruction checks, as BuildKit's
// has none); false after errors.
bool DumpDockerfileAst(Frontend& frontend, const std::string& path, std::ostream& out);

}  // namespace strata::driver
