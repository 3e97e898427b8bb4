// One file's tokens in one contiguous array, as the ANTLR parser sees them: the hand-written
// lexer (lexer.h) fills it, TokenStream (token_stream.h) feeds it to the parser.
#pragma once

#include <antlr4-runtime.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace strata::syntax {

class TokenBuffer;

// A token as a small record (40 bytes, no allocation of its own) that is still an
// antlr4::Token, so the generated parser and its parse tree point straight into the array.
// Offsets are byte offsets (the grammar reads one code point per byte); line counts from 1,
// column from 0, as ANTLR's lexer counts them.
class LexedToken final : public antlr4::Token {
 public:
  LexedToken(TokenBuffer* owner, size_t type, size_t channel, size_t start, size_t stop,
             size_t line, size_t column, size_t index)
      : owner_(owner),
        start_(static_cast<uint32_t>(start)),
        stop_(static_cast<uint32_t>(stop)),
        line_(static_cast<uint32_t>(line)),
        column_(static_cast<uint32_t>(column)),
        index_(static_cast<uint32_t>(index)),
        type_(type == EOF ? kEofType : static_cast<uint16_t>(type)),
        channel_(static_cast<uint8_t>(channel)) {}

  // As CommonToken's: the bytes as ANTLR's byte-per-code-point input renders them (bytes
  // >= 0x80 become two UTF-8 bytes), or "<EOF>" for the end of the file.
  std::string getText() const override;
  size_t getType() const override { return type_ == kEofType ? EOF : type_; }
  size_t getLine() const override { return line_; }
  size_t getCharPositionInLine() const override { return column_; }
  size_t getChannel() const override { return channel_; }
  size_t getTokenIndex() const override { return index_; }
  size_t getStartIndex() const override { return start_; }
  // The end of the file's token ends one byte before it starts (-1 in an empty file).
  size_t getStopIndex() const override {
    return stop_ == UINT32_MAX ? static_cast<size_t>(-1) : stop_;
  }
  antlr4::TokenSource* getTokenSource() const override;
  antlr4::CharStream* getInputStream() const override { return nullptr; }
  std::string toString() const override;

 private:
  static constexpr uint16_t kEofType = UINT16_MAX;

  TokenBuffer* owner_;
  uint32_t start_;
  uint32_t stop_;
  uint32_t line_;
  uint32_t column_;
  uint32_t index_;
  uint16_t type_;
  uint8_t channel_;
};

// The tokens of `text` (ending with the end-of-file token) and what the lexer found wrong.
// It is the parser's token source too: ANTLR's error recovery asks it for a token factory when
// it conjures a missing token. Not movable: the tokens point back at it.
class TokenBuffer : public antlr4::TokenSource {
 public:
  // Lexes `text`; comments are kept on the hidden channel when `keep_comments` (the formatter),
  // and dropped otherwise (the parser).
  TokenBuffer(std::string_view text, bool keep_comments);
  TokenBuffer(const TokenBuffer&) = delete;
  TokenBuffer& operator=(const TokenBuffer&) = delete;

  std::string_view text() const { return text_; }
  const std::vector<LexedToken>& tokens() const { return tokens_; }
  const LexedToken& operator[](size_t index) const { return tokens_[index]; }
  size_t size() const { return tokens_.size(); }

  // Start offsets of the strings still open at the end of the file, outermost first.
  const std::vector<size_t>& open_strings() const { return open_strings_; }
  // Start offset of the first unterminated block comment, or kNone.
  static constexpr size_t kNone = static_cast<size_t>(-1);
  size_t unterminated_comment() const { return unterminated_comment_; }

  // For the lexer (lexer.cpp).
  void Append(size_t type, size_t channel, size_t start, size_t stop, size_t line, size_t column) {
    tokens_.emplace_back(this, type, channel, start, stop, line, column, tokens_.size());
  }
  void Reserve(size_t count) { tokens_.reserve(count); }
  std::vector<size_t>& mutable_open_strings() { return open_strings_; }
  void set_unterminated_comment(size_t offset) { unterminated_comment_ = offset; }

  // antlr4::TokenSource. The tokens are all made already: nextToken is never called.
  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override;
  size_t getCharPositionInLine() override;
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return antlr4::IntStream::UNKNOWN_SOURCE_NAME; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override;

 private:
  std::string_view text_;
  std::vector<LexedToken> tokens_;
  std::vector<size_t> open_strings_;
  size_t unterminated_comment_ = kNone;
};

}  // namespace strata::syntax
