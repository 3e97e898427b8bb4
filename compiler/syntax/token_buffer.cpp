// The token array's ANTLR side: token text as ANTLR renders it, and the token source.
#include "compiler/syntax/token_buffer.h"

#include <string>

#include "compiler/syntax/lexer.h"

namespace strata::syntax {

std::string LexedToken::getText() const {
  std::string_view text = owner_->text();
  size_t stop = getStopIndex();
  if (start_ >= text.size() || stop >= text.size()) return "<EOF>";
  std::string out;
  out.reserve(stop + 1 - start_);
  for (size_t i = start_; i <= stop; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {  // the code point c in UTF-8, as ANTLRInputStream::getText gives it
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

antlr4::TokenSource* LexedToken::getTokenSource() const { return owner_; }

std::string LexedToken::toString() const {
  std::string text = getText();
  std::string shown;
  for (char c : text) {
    if (c == '\n')
      shown += "\\n";
    else if (c == '\r')
      shown += "\\r";
    else if (c == '\t')
      shown += "\\t";
    else
      shown += c;
  }
  std::string type = getType() == EOF ? "EOF" : std::to_string(getType());
  std::string channel = channel_ > 0 ? ",channel=" + std::to_string(channel_) : "";
  return "[@" + std::to_string(index_) + "," + std::to_string(start_) + ":" +
         std::to_string(static_cast<ssize_t>(getStopIndex())) + "='" + shown + "',<" + type + ">" +
         channel + "," + std::to_string(line_) + ":" + std::to_string(column_) + "]";
}

TokenBuffer::TokenBuffer(std::string_view text, bool keep_comments) : text_(text) {
  Lex(text, keep_comments, *this);
}

std::unique_ptr<antlr4::Token> TokenBuffer::nextToken() {
  throw antlr4::UnsupportedOperationException("the token buffer is lexed at construction");
}

size_t TokenBuffer::getLine() const { return tokens_.empty() ? 1 : tokens_.back().getLine(); }

size_t TokenBuffer::getCharPositionInLine() {
  return tokens_.empty() ? 0 : tokens_.back().getCharPositionInLine();
}

antlr4::TokenFactory<antlr4::CommonToken>* TokenBuffer::getTokenFactory() {
  return antlr4::CommonTokenFactory::DEFAULT.get();
}

}  // namespace strata::syntax
