// The dependency closure of a list of requested packages over a Packages index.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <string>
#include <vector>

#include "runtime/debian/package_index.h"

namespace strata::debian {

struct Resolution {
  std::vector<const Package*> packages;  // sorted by name
  // Base-system packages (Essential, Priority: required) that some dependency named but that
  // were left out because the request did not name them (distroless style), sorted.
  std::vector<std::string> skipped;
};

// Resolves `requested` ("name" or "name=version") over Pre-Depends and Depends, depth first as
// apt does (a chosen package's groups before the next group of the package that needed it):
// - a group of alternatives is satisfied by a package already chosen, else by the first
//   alternative that has a candidate: the highest version of a package of that name that
//   meets the relation, else a provider (versioned Provides must meet a versioned relation;
//   among several, the most important Priority, then the name);
// - `:any` and `:native` qualifiers accept the index's own architecture and "all"; a
//   qualifier naming another architecture finds nothing;
// - a base-system package is added only when requested (Resolution::skipped lists the rest),
//   and a group one satisfies (as any alternative, by name or Provides) is satisfied, as for
//   apt on a Debian system, where they are installed;
// - a dependency group naming a package in `exclude` (or whose candidate is one) is left
//   unsatisfied, so neither that package nor what only it needs is in the closure; requesting an
//   excluded package, or excluding one no dependency names, is an error;
// - Conflicts and Breaks between two chosen packages are errors;
// - a group nothing satisfies is an error naming the chain from a requested package:
//   `python3-flask → python3-werkzeug → x: no package "x" in bookworm/main amd64`, where
//   `where` is "bookworm/main amd64".
llvm::Expected<Resolution> Resolve(const PackageIndex& index,
                                   const std::vector<std::string>& requested, llvm::StringRef where,
                                   const std::vector<std::string>& exclude = {});

}  // namespace strata::debian
