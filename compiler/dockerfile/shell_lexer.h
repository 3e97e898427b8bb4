// BuildKit-compatible word expansion: quotes, escapes and ${...} substitution of one word.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace strata::dockerfile {

// Variables visible to an expansion. std::less<> allows lookups by string_view.
using ShellEnv = std::map<std::string, std::string, std::less<>>;

struct ShellOptions {
  uint32_t escape_token = '\\';  // `\` or the backtick of `# escape=``
  bool raw_quotes = false;       // keep quote characters in the result
  bool raw_escapes = false;      // keep escape characters in the result
  bool skip_unset_env = false;   // leave `$x` / `${x...}` as written when x is unset
  bool skip_process_quotes = false;
};

struct ShellResult {
  bool ok = true;
  std::string error;                // set when !ok, e.g. "syntax error: bad substitution"
  std::string word;                 // the whole input as one word (ProcessWord)
  std::vector<std::string> words;   // split on unquoted white space (ProcessWords)
  std::set<std::string> matched;    // variables that were looked up and set
  std::set<std::string> unmatched;  // variables that were looked up and unset
};

// Re-implements BuildKit's frontend/dockerfile/shell lexer from its documented behaviour:
// `$v ${v} ${v:-w} ${v-w} ${v:+w} ${v+w} ${v:?m} ${v?m} ${v#p} ${v##p} ${v%p} ${v%%p}
// ${v/p/r} ${v//p/r}`, single and double quotes, and the escape token. Positional and
// special parameters ($1, $@, ...) are never set. Errors are returned, never thrown.
class ShellLexer {
 public:
  explicit ShellLexer(uint32_t escape_token = '\\') { options_.escape_token = escape_token; }
  explicit ShellLexer(ShellOptions options) : options_(options) {}

  ShellOptions& options() { return options_; }
  const ShellOptions& options() const { return options_; }

  // Both compute the same expansion; ProcessWord reads `word`, ProcessWords reads `words`.
  ShellResult Process(std::string_view text, const ShellEnv& env) const;
  ShellResult ProcessWord(std::string_view text, const ShellEnv& env) const {
    return Process(text, env);
  }
  ShellResult ProcessWords(std::string_view text, const ShellEnv& env) const {
    return Process(text, env);
  }

 private:
  ShellOptions options_;
};

}  // namespace strata::dockerfile
