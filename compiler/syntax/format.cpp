// Runs the formatter: parse with comments, attach them, lay the tree out, and check that the
// output lexes to the input's tokens (so the layout can never change what the program means).
#include "compiler/syntax/format.h"

#include <antlr4-runtime.h>

#include <string_view>
#include <vector>

#include "StrataParser.h"
#include "compiler/syntax/format_doc.h"
#include "compiler/syntax/format_tree.h"
#include "compiler/syntax/format_trivia.h"
#include "compiler/syntax/parse_tree.h"
#include "compiler/syntax/token_buffer.h"

namespace strata::syntax {
namespace {

struct TokenText {
  size_t type;
  std::string text;
};

// The code tokens and comments of `text`, without a comma just before `}` (a pattern's
// trailing comma, which the layout adds or drops) and without trailing blanks of comments.
std::vector<TokenText> Lex(std::string_view text) {
  TokenBuffer lexed(text, /*keep_comments=*/true);
  std::vector<TokenText> out;
  for (const LexedToken& token : lexed.tokens()) {
    if (token.getType() == antlr4::Token::EOF) break;
    size_t start = token.getStartIndex();
    std::string body(text.substr(start, token.getStopIndex() + 1 - start));
    if (token.getType() == grammar::StrataParser::LINE_COMMENT)
      while (!body.empty() && (body.back() == ' ' || body.back() == '\t' || body.back() == '\r'))
        body.pop_back();
    if (token.getType() == grammar::StrataParser::RBRACE && !out.empty() &&
        out.back().type == grammar::StrataParser::COMMA)
      out.pop_back();
    out.push_back({token.getType(), std::move(body)});
  }
  return out;
}

bool SameTokens(const std::vector<TokenText>& a, const std::vector<TokenText>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].type != b[i].type || a[i].text != b[i].text) return false;
  return true;
}

}  // namespace

std::optional<std::string> FormatFile(diag::SourceManager& sources, diag::FileId file,
                                      diag::DiagnosticEngine& diags, const FormatOptions& options) {
  std::string_view text = sources.Text(file);
  std::optional<std::string> result;
  ParseWithComments(
      sources, file, diags,
      [&](grammar::StrataParser::FileContext* tree, const TokenBuffer& lexed) {
        std::vector<format::RawToken> raw;
        for (const LexedToken& token : lexed.tokens()) {
          size_t type = token.getType();
          bool comment = type == grammar::StrataParser::LINE_COMMENT ||
                         type == grammar::StrataParser::BLOCK_COMMENT;
          size_t start = type == antlr4::Token::EOF ? text.size() : token.getStartIndex();
          size_t end = type == antlr4::Token::EOF ? text.size() : token.getStopIndex() + 1;
          raw.push_back({start, end, comment, type == grammar::StrataParser::BLOCK_COMMENT});
        }
        format::Trivia trivia(text, raw);
        format::DocArena arena;
        format::TreeFormatter formatter(arena, trivia, text);
        format::DocId root = formatter.File(tree);
        result = format::PrintDoc(arena, root, options.width, options.indent);
      });
  if (!result) return std::nullopt;
  if (!SameTokens(Lex(text), Lex(*result))) {
    diags.Error({file, 0, 0},
                "internal error in the formatter: its output would not have the same tokens "
                "(the file is left as it is; please report this)");
    return std::nullopt;
  }
  return result;
}

}  // namespace strata::syntax
