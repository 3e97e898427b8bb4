// Shell glob patterns (`*`, `?`, `[a-z]`, `\x`) for the ${v#p} ${v%p} ${v/p/r} expansions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace strata::dockerfile {

// Each returns nullopt and sets *error when the pattern is invalid (BuildKit accepts only
// `\*`, `\?`, `\\`, `\[`, `\]` as escapes; `\}` and `\/` stand for `}` and `/`).
// The shortest (or, when greedy, longest) prefix of `value` matching `pattern` is removed.
std::optional<std::string> TrimPatternPrefix(std::string_view pattern, std::string_view value,
                                             bool greedy, std::string* error);
// The same for a suffix.
std::optional<std::string> TrimPatternSuffix(std::string_view pattern, std::string_view value,
                                             bool greedy, std::string* error);
// Replaces the leftmost-longest match (every match when `all`) with `replacement`.
std::optional<std::string> ReplacePattern(std::string_view pattern, std::string_view value,
                                          std::string_view replacement, bool all,
                                          std::string* error);

}  // namespace strata::dockerfile
