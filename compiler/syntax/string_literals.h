// String literals both ways: decoding escapes of "..." strings and indentation of ''...''
// strings, and writing a text back as a "..." literal or a bare name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/syntax/ast.h"

namespace strata::syntax {

// Decodes `\n \t \r \" \\ \$` (and `\x` for any other x, as Nix does) in the text between the
// quotes of a "..." string.
std::string DecodeEscapes(std::string_view raw);

// `text` as a "..." literal that reads back as `text`: `\\ \" \n \t \r` escaped, and `$` only
// before `{` (the one copy, for the evaluator's printer and the Dockerfile translation).
std::string QuoteString(std::string_view text);

// Appends the backslash escape of `"`, `\`, newline, tab or carriage return, the ones Strata
// and JSON strings share, and returns true; false (and nothing appended) for any other byte.
bool AppendBackslashEscape(std::string& out, char c);

// True when `name` can be written bare as an attribute or a binding name: an identifier
// (`[A-Za-z_][A-Za-z0-9_]*`) that is not a keyword (nor `with`/`rec`, which Nix reserves).
bool IsPlainName(std::string_view name);

// One piece of an indented string as written, before its indentation is stripped.
struct IndentedPiece {
  enum class Kind { kRaw, kEscaped, kInterpolation };
  Kind kind;
  std::string text;                 // kRaw: as written; kEscaped: the decoded escape
  const ast::Expr* expr = nullptr;  // kInterpolation
};

// A piece of a finished string: text, or an interpolated expression.
struct StringPiece {
  std::string text;
  const ast::Expr* expr = nullptr;
};

// Applies the indented-string rules: drops the line break after the opening `''` (when the
// first line holds only spaces), drops a last line of only spaces, and strips the least
// indentation of the non-blank lines (escapes and interpolations count as content).
std::vector<StringPiece> StripIndentation(std::vector<IndentedPiece> pieces);

// Appends text to `pieces`, merging it with a text piece at the end.
void AppendText(std::vector<StringPiece>& pieces, std::string_view text);

}  // namespace strata::syntax
