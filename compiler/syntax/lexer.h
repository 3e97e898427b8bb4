// The Strata lexer, written by hand: exactly the tokens grammar/StrataLexer.g4 specifies (the
// generated StrataLexer stays as the oracle of a differential test), in one pass over the
// bytes with no allocation per token.
#pragma once

#include <string_view>

#include "compiler/syntax/token_buffer.h"

namespace strata::syntax {

// Appends the tokens of `text` to `out`, ending with the end-of-file token, and records the
// strings and block comment left open. Comments go on the hidden channel when
// `keep_comments`, else nowhere. Never fails: a byte no rule wants is an ERROR_CHAR token.
void Lex(std::string_view text, bool keep_comments, TokenBuffer& out);

}  // namespace strata::syntax
