// Attaches comments and blank lines to code tokens by the line breaks around them.
#include "compiler/syntax/format_trivia.h"

#include <algorithm>

namespace strata::syntax::format {
namespace {

size_t Newlines(std::string_view text, size_t from, size_t to) {
  if (to <= from) return 0;
  return static_cast<size_t>(std::count(text.begin() + from, text.begin() + to, '\n'));
}

// Line comments lose trailing blanks (the printer never leaves trailing whitespace).
std::string CommentText(std::string_view text, const RawToken& token) {
  std::string_view body = text.substr(token.start, token.end - token.start);
  if (!token.block)
    while (!body.empty() && (body.back() == ' ' || body.back() == '\t' || body.back() == '\r'))
      body.remove_suffix(1);
  return std::string(body);
}

}  // namespace

Trivia::Trivia(std::string_view text, const std::vector<RawToken>& tokens)
    : trivia_(tokens.size()) {
  std::vector<Comment> pending;      // own-line comments waiting for the next code token
  size_t last_code = tokens.size();  // the last code token seen, or none
  bool prev_on_code_line = false;    // the previous item is a code token or its end-of-line comment
  size_t prev_end = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const RawToken& token = tokens[i];
    size_t breaks = Newlines(text, prev_end, token.start);
    if (i > 0 && last_code == i - 1 && breaks > 0) trivia_[last_code].newline_after = true;
    if (token.comment) {
      Comment comment{CommentText(text, token), token.block, breaks >= 2};
      if (breaks == 0 && prev_on_code_line && last_code < tokens.size()) {
        trivia_[last_code].trailing.push_back(std::move(comment));
      } else {
        pending.push_back(std::move(comment));
        prev_on_code_line = false;
      }
    } else {
      TokenTrivia& trivia = trivia_[i];
      trivia.leading = std::move(pending);
      pending.clear();
      trivia.blank_before = breaks >= 2 && prev_end > 0;
      last_code = i;
      prev_on_code_line = true;
    }
    prev_end = std::max(prev_end, token.end);
  }
}

}  // namespace strata::syntax::format
