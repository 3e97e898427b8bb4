// What a workspace's strata.workspace file says besides marking the root: the stdlib its
// programs import.
#pragma once

#include <optional>
#include <string>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/syntax/ast.h"

namespace strata::syntax {

// strata.workspace is empty (comments allowed): the root and nothing else. Or it is one
// record literal, `{ stdlib = ./third_party/strata-stdlib; }`, whose `stdlib` names a folder
// under the root: `<std/NAME>` is then its NAME.strata for every program of the workspace,
// instead of the stdlib built into strata. A vendored stdlib is a file like any other import,
// so upgrading it is a commit that caches and `strata affected` see (docs/language.md).
struct WorkspaceConfig {
  std::string stdlib_dir;  // absolute, normalised; "" = the stdlib built into strata
};

// Reads ROOT/strata.workspace. A syntax error, an unknown field, or a `stdlib` that is not a
// path literal naming an existing folder under the root is reported at its line:col; nullopt
// then.
std::optional<WorkspaceConfig> ReadWorkspaceConfig(const std::string& root,
                                                   diag::SourceManager& sources, ast::Arena& arena,
                                                   diag::DiagnosticEngine& diags);

}  // namespace strata::syntax
