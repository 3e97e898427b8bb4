// A workspace: the tree under a `strata.workspace` file, its packages (every directory holding
// a build.strata) and the labels (`//dir/sub:target`) and patterns (`//...`) that name them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/syntax/workspace_root.h"

namespace strata::driver {

using syntax::FindWorkspaceRoot;
using syntax::kWorkspaceFile;

// `//dir/sub:target` (package "dir/sub", target "target", a dotted attribute path) or a
// pattern: `//...` (every package), `//dir/...` (dir and every package below it). The root
// package is "" (`//:target`).
struct LabelPattern {
  std::string package;
  std::string target;         // "" for a recursive pattern
  bool recursive = false;     // `//dir/...`
  bool target_given = false;  // `:target` was written (else `//p` is `//p:default`)
};

// Parses a label or pattern; nullopt with `error` set when it is malformed.
std::optional<LabelPattern> ParseLabelPattern(std::string_view text, std::string& error);
// Whether `text` looks like a label or pattern (starts with `//`), so that commands tell it
// from an attribute path.
bool IsLabelText(std::string_view text);
// `//package:target`.
std::string LabelText(std::string_view package, std::string_view target);
// Whether `package` is matched by a recursive pattern's package (`//dir/...`).
bool PackageUnder(std::string_view package, std::string_view dir);

// Whether a package path ("a/b-c", "" for the root) or a target ("services.api") can be written
// in a label: what `strata targets` prints must be what the label commands take.
bool IsLabelPackage(std::string_view package);
bool IsLabelTarget(std::string_view target);

// Every package under `root`, as paths relative to it ("" for the root), sorted. Hidden
// directories (`.git`) are skipped; a package's own subdirectories are searched too.
std::vector<std::string> ListPackages(const std::string& root);
// The file of a package: ROOT/PACKAGE/build.strata.
std::string PackageFile(const std::string& root, std::string_view package);
// The package whose build.strata is `file` (an absolute, canonical path) when it lies under
// `root`; nullopt otherwise.
std::optional<std::string> PackageOfFile(const std::string& root, const std::string& file);

// Up to `limit` of `candidates` closest to `name` (edit distance), for "did you mean" lists.
std::vector<std::string> NearNames(std::string_view name,
                                   const std::vector<std::string>& candidates, size_t limit = 5);

}  // namespace strata::driver
