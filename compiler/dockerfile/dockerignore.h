// The build context of a Dockerfile: its .dockerignore patterns and its local source node.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/graph/local_source.h"
#include "compiler/graph/node.h"

namespace strata::dockerfile {

// The ignore file BuildKit reads: `<Dockerfile>.dockerignore` beside the Dockerfile if it
// exists, else `<context>/.dockerignore`; "" when neither exists.
std::string FindDockerignore(const std::string& dockerfile_path, const std::string& context_dir);

// The patterns of a .dockerignore text, cleaned (graph::CleanIgnorePattern): `#` comment lines
// and blank lines dropped, `!` exceptions kept, a UTF-8 BOM stripped.
std::vector<std::string> ParseDockerignore(std::string_view text);
// Reads and parses a file; an empty list when `path` is "" or cannot be read.
std::vector<std::string> ReadDockerignore(const std::string& path);

// The directory as a `local` node without the ignored entries: name = its base name, digest of
// the included entries, `exclude` = the patterns. Null with `error` set when it cannot be read.
// `keep_modes` (a build context: BuildKit keeps modes as on disk) adds {modes: "keep"}.
const graph::Node* MakeContextNode(graph::Graph& graph, graph::LocalSourceHasher& hasher,
                                   const std::string& dir, const std::vector<std::string>& exclude,
                                   std::string& error, bool keep_modes = true);

// The absolute, lexically normal form of a path without a trailing `/` (what path literals
// and local nodes use), and its base name.
std::string AbsolutePath(const std::string& path);
std::string LocalName(const std::string& absolute_path);

}  // namespace strata::dockerfile
