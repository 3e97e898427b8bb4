// Docker's .dockerignore patterns, shared by the local-source hasher and the runtime's copy.
//
// The rules are those of moby/patternmatcher: each pattern is cleaned like a path (a leading
// `/` dropped); `*` and `?` do not cross `/`; `**` matches any number of directories; `[...]`
// is a character class; `\` escapes the next character; a leading `**` before plain text is a
// suffix (`**file` matches `a/xfile`); a pattern starting with `!` is an exception that
// re-includes what it matches. A path is ignored when the last pattern that matches it, or one
// of its parent directories, is not an exception. An ignored directory is still walked when
// some exception could re-include an entry below it (HoldsIncludedEntry in local_source.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace strata::graph {

// The pattern as .dockerignore reading leaves it: blanks trimmed, `!` kept in front, the rest
// cleaned like a path with `/` separators and no leading `/` (`./a/../b/` is `b`). "" for a
// blank line or one starting with `#` (in column 1: ` #x` is a pattern, as in Docker).
std::string CleanIgnorePattern(std::string_view line);
// Why Docker refuses a cleaned pattern, or "" when it does not: a lone `!` ("illegal
// exclusion pattern") and a `[` class that is never closed ("syntax error in pattern").
std::string IgnorePatternError(const std::string& pattern);

class IgnoreMatcher {
 public:
  // `patterns` are cleaned patterns (CleanIgnorePattern), `!` for exceptions.
  explicit IgnoreMatcher(const std::vector<std::string>& patterns);
  ~IgnoreMatcher();
  IgnoreMatcher(IgnoreMatcher&&) noexcept;
  IgnoreMatcher& operator=(IgnoreMatcher&&) noexcept;

  bool empty() const;
  // True when some pattern is an exception: an ignored directory may still hold included
  // entries, so a walk must look inside it.
  bool has_exceptions() const;
  // `rel` is '/'-separated and relative to the root the patterns apply to ("a/b.txt").
  bool IsIgnored(std::string_view rel) const;
  // True when `pattern` (no `!`) matches `rel` exactly, not counting parent directories.
  static bool Matches(std::string_view pattern, std::string_view rel);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot form of IgnoreMatcher(patterns).IsIgnored(rel).
bool IsIgnoredByPatterns(const std::vector<std::string>& patterns, std::string_view rel);

}  // namespace strata::graph
