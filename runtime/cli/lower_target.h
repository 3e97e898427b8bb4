// From a command's flags to the target's graph nodes, through the driver: a Dockerfile's
// target stage, or the nodes of a program's target.
#pragma once

#include <vector>

#include "compiler/driver/frontend.h"
#include "compiler/graph/node.h"
#include "runtime/cli/build_target.h"

namespace strata::cli {

// The Dockerfile of `flags` as the driver takes it (`-f -`: the text stdin holds, at most
// 64 MiB); nullopt after reporting an unreadable stdin to `frontend`.
std::optional<dockerfile::DockerfileInput> DockerfileInputFor(const BuildFlags& flags,
                                                              driver::Frontend& frontend);

// Lowers the Dockerfile, or runs the program and collects its target's nodes; false after
// errors (in the frontend's diagnostics). `is_node`: the target is one stage or artifact.
bool LowerTarget(const BuildFlags& flags, driver::Frontend& frontend,
                 std::vector<const graph::Node*>& nodes, bool* is_node = nullptr);

// Prints the frontend's diagnostics to stderr; returns the exit code they imply.
int FinishFrontend(const driver::Frontend& frontend);

}  // namespace strata::cli
