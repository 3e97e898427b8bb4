// TokenStream: CommonTokenStream's walk over the channels, on an array lexed in advance.
#include "compiler/syntax/token_stream.h"

#include <string>

namespace strata::syntax {

TokenStream::TokenStream(TokenBuffer& tokens) : tokens_(tokens) { p_ = NextOnChannel(0); }

size_t TokenStream::NextOnChannel(size_t i) const {
  size_t n = tokens_.size();
  if (i >= n) return n - 1;
  while (tokens_[i].getChannel() != antlr4::Token::DEFAULT_CHANNEL &&
         tokens_[i].getType() != antlr4::Token::EOF)
    ++i;
  return i;
}

ssize_t TokenStream::PreviousOnChannel(size_t i) const {
  size_t n = tokens_.size();
  if (i >= n) return static_cast<ssize_t>(n - 1);
  while (true) {
    const LexedToken& token = tokens_[i];
    if (token.getType() == antlr4::Token::EOF ||
        token.getChannel() == antlr4::Token::DEFAULT_CHANNEL)
      return static_cast<ssize_t>(i);
    if (i == 0) return -1;
    --i;
  }
}

void TokenStream::consume() {
  size_t n = tokens_.size();
  if (p_ + 1 >= n && LA(1) == antlr4::Token::EOF)
    throw antlr4::IllegalStateException("cannot consume EOF");
  if (p_ + 1 < n) p_ = NextOnChannel(p_ + 1);
}

size_t TokenStream::LA(ssize_t i) {
  if (i == 1) return tokens_[p_].getType();  // the parser's usual question
  antlr4::Token* token = LT(i);
  return token ? token->getType() : antlr4::Token::INVALID_TYPE;
}

antlr4::Token* TokenStream::LT(ssize_t k) {
  if (k == 1) return At(p_);
  if (k == 0) return nullptr;
  if (k < 0) return Back(static_cast<size_t>(-k));
  size_t i = p_;
  for (ssize_t n = 1; n < k; ++n)
    if (i + 1 < tokens_.size()) i = NextOnChannel(i + 1);
  return At(i);
}

antlr4::Token* TokenStream::Back(size_t k) {
  if (k > p_) return nullptr;
  ssize_t i = static_cast<ssize_t>(p_);
  for (size_t n = 1; n <= k; ++n) i = PreviousOnChannel(static_cast<size_t>(i - 1));
  return i < 0 ? nullptr : At(static_cast<size_t>(i));
}

antlr4::Token* TokenStream::get(size_t index) const {
  if (index >= tokens_.size())
    throw antlr4::IndexOutOfBoundsException("token index " + std::to_string(index) +
                                            " out of range 0.." +
                                            std::to_string(tokens_.size() - 1));
  return At(index);
}

std::string TokenStream::getText(const antlr4::misc::Interval& interval) {
  size_t start = interval.a;
  size_t stop = interval.b;
  if (start == INVALID_INDEX || stop == INVALID_INDEX) return "";
  if (stop >= tokens_.size()) stop = tokens_.size() - 1;
  std::string text;
  for (size_t i = start; i <= stop; ++i) {
    if (tokens_[i].getType() == antlr4::Token::EOF) break;
    text += tokens_[i].getText();
  }
  return text;
}

std::string TokenStream::getText() {
  return getText(antlr4::misc::Interval(size_t{0}, tokens_.size() - 1));
}

std::string TokenStream::getText(antlr4::RuleContext* ctx) {
  return getText(ctx->getSourceInterval());
}

std::string TokenStream::getText(antlr4::Token* start, antlr4::Token* stop) {
  if (!start || !stop) return "";
  return getText(antlr4::misc::Interval(start->getTokenIndex(), stop->getTokenIndex()));
}

}  // namespace strata::syntax
