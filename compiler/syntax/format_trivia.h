// The formatter's view of comments and blank lines: each comment attached to the code token
// it stays with (end-of-line comments to the token before them, own-line comments to the
// token after), and where the source had a blank line or a line break.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::syntax::format {

// One token of the formatter's lexer run: code tokens and comments, in source order.
struct RawToken {
  size_t start;  // byte offset
  size_t end;    // one past the last byte
  bool comment;  // a `#` or `/* */` comment (hidden channel)
  bool block;    // a `/* */` comment
};

struct Comment {
  std::string text;
  bool block = false;
  bool blank_before = false;  // an empty line in the source before it
};

struct TokenTrivia {
  std::vector<Comment> leading;   // own-line comments before the token
  std::vector<Comment> trailing;  // comments after it on its line
  bool blank_before = false;      // an empty line right before the token (after its comments)
  bool newline_after = false;     // a line break before whatever follows it
};

class Trivia {
 public:
  // `tokens` holds every token (comments included, the end-of-file token last).
  Trivia(std::string_view text, const std::vector<RawToken>& tokens);

  // The trivia of the code token at `index` in `tokens` (empty for comments).
  const TokenTrivia& Of(size_t index) const { return trivia_[index]; }

 private:
  std::vector<TokenTrivia> trivia_;
};

}  // namespace strata::syntax::format
