// What `strata export --dockerfile` and `strata build --engine docker` share: resolving the
// target like `strata build`, building with Strata only what BuildKit cannot (pre-built inputs,
// context artifacts), and writing the Dockerfile and context (runtime/export/).
#pragma once

#include <string>

#include "runtime/cli/build_target.h"
#include "runtime/export/dockerfile_export.h"

namespace strata::cli {

// Exports the target of `flags` (one target: a program's attribute, a label or a Dockerfile's
// stage) into `dir`, an existing empty directory. Prints errors and warnings to stderr and
// returns the exit code; on success `result` holds what the engine needs to know.
int ExportTarget(const BuildFlags& flags, const std::string& dir, exporter::ExportResult& result);

// `dir` for an export: created (with its parents) when missing; an existing non-empty
// directory or a file is an error. Returns "" when usable, else the message.
std::string PrepareExportDir(const std::string& dir);

}  // namespace strata::cli
