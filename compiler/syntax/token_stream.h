// The generated parser's view of a TokenBuffer: antlr4::TokenStream over the token array,
// behaving as ANTLR's CommonTokenStream does on a filled buffer (the parser sees the default
// channel only; hidden comments are skipped but keep their indices).
#pragma once

#include <antlr4-runtime.h>

#include "compiler/syntax/token_buffer.h"

namespace strata::syntax {

class TokenStream final : public antlr4::TokenStream {
 public:
  explicit TokenStream(TokenBuffer& tokens);

  const TokenBuffer& buffer() const { return tokens_; }

  // antlr4::IntStream
  void consume() override;
  size_t LA(ssize_t i) override;
  ssize_t mark() override { return 0; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override { p_ = NextOnChannel(index); }
  size_t size() override { return tokens_.size(); }
  std::string getSourceName() const override { return antlr4::IntStream::UNKNOWN_SOURCE_NAME; }

  // antlr4::TokenStream
  antlr4::Token* LT(ssize_t k) override;
  antlr4::Token* get(size_t index) const override;
  antlr4::TokenSource* getTokenSource() const override { return &tokens_; }
  std::string getText(const antlr4::misc::Interval& interval) override;
  std::string getText() override;
  std::string getText(antlr4::RuleContext* ctx) override;
  std::string getText(antlr4::Token* start, antlr4::Token* stop) override;

 private:
  antlr4::Token* Back(size_t k);
  // The first token at or after `i` on the default channel (the end of the file is on all).
  size_t NextOnChannel(size_t i) const;
  // The last token at or before `i` on the default channel, or -1.
  ssize_t PreviousOnChannel(size_t i) const;
  antlr4::Token* At(size_t i) const { return const_cast<LexedToken*>(&tokens_[i]); }

  TokenBuffer& tokens_;
  size_t p_ = 0;  // the current token, always on the default channel
};

}  // namespace strata::syntax
