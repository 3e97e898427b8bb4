// Where a workspace begins: the directory holding `strata.workspace`, above a file or the
// current directory. `import //dir` resolves against it; so do the CLI's labels.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace strata::syntax {

inline constexpr std::string_view kWorkspaceFile = "strata.workspace";

// The directory holding strata.workspace, found by walking up from the directory `start`
// (made absolute, lexically normalised); nullopt when there is none up to `/`.
std::optional<std::string> FindWorkspaceRoot(const std::string& start);

}  // namespace strata::syntax
