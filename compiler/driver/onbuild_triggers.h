// A base image's ONBUILD triggers, spliced into a Dockerfile right after the FROM that uses it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/dockerfile/instructions.h"

namespace strata::driver {

// The ONBUILD trigger texts of an external base image (a FROM word), empty when it has none.
using TriggerLookup = std::function<std::vector<std::string>(const std::string& base)>;

// BuildKit runs a base's ONBUILD triggers as if written right after its FROM: an earlier
// stage's own ONBUILD lines, or an external image's (through `lookup`). A marker ONBUILD with
// no text goes first: the runtime's config op clears the inherited triggers there. False
// after reporting a trigger that does not parse.
bool SpliceOnbuildTriggers(dockerfile::Dockerfile& parsed, const TriggerLookup& lookup,
                           diag::SourceManager& sources, diag::DiagnosticEngine& diags);

}  // namespace strata::driver
