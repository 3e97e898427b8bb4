// The Strata lexer: grammar/StrataLexer.g4 by hand. Each branch below names the rules that can
// match at a byte and takes the longest match, ties going to the rule written first, as
// ANTLR does; the modes are the grammar's (STR inside "...", IND inside ''...'', and the
// default mode pushed by `{` and `${` and popped by `}`).
#include "compiler/syntax/lexer.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "StrataParser.h"

namespace strata::syntax {
namespace {

using T = grammar::StrataParser;  // the token types (the parser's vocabulary is the lexer's)

constexpr int kEnd = -1;

bool IsDigit(int c) { return c >= '0' && c <= '9'; }
bool IsLetter(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsWordChar(int c) { return IsLetter(c) || IsDigit(c) || c == '_'; }
bool IsPathChar(int c) { return IsWordChar(c) || c == '.' || c == '-' || c == '+'; }
bool IsSpace(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

enum class Mode : uint8_t { kDefault, kString, kIndented };

size_t KeywordOrId(std::string_view word) {
  switch (word.size()) {
    case 2:
      if (word == "in") return T::IN;
      if (word == "if") return T::IF;
      if (word == "or") return T::OR_KW;
      break;
    case 3:
      if (word == "let") return T::LET;
      if (word == "rec") return T::REC;
      break;
    case 4:
      if (word == "then") return T::THEN;
      if (word == "else") return T::ELSE;
      if (word == "true") return T::TRUE;
      if (word == "with") return T::WITH;
      break;
    case 5:
      if (word == "false") return T::FALSE;
      break;
    case 6:
      if (word == "assert") return T::ASSERT;
      if (word == "import") return T::IMPORT;
      break;
    case 7:
      if (word == "inherit") return T::INHERIT;
      break;
  }
  return T::ID;
}

class Scanner {
 public:
  Scanner(std::string_view text, bool keep_comments, TokenBuffer& out)
      : text_(text), keep_comments_(keep_comments), out_(out) {}

  void Run() {
    // The repository's programs have a token per ~5.5 bytes (median; 7 in the generated
    // benchmark programs); a reserve is address space, only the pages tokens fill are touched.
    out_.Reserve(text_.size() / 5 + 16);
    while (pos_ < text_.size()) {
      switch (mode_) {
        case Mode::kDefault:
          Default();
          break;
        case Mode::kString:
          InString();
          break;
        case Mode::kIndented:
          InIndented();
          break;
      }
    }
    Emit(antlr4::Token::EOF, text_.size());  // starts at the end, stops one byte before
  }

 private:
  int At(size_t i) const { return i < text_.size() ? static_cast<unsigned char>(text_[i]) : kEnd; }

  // Records the token [pos_, end) and moves past it.
  void Emit(size_t type, size_t end) {
    CountLinesTo(pos_);
    out_.Append(type, antlr4::Token::DEFAULT_CHANNEL, pos_, end - 1, line_, pos_ - line_start_);
    last_type_ = type;
    pos_ = end;
  }
  void Comment(size_t type, size_t end) {
    if (keep_comments_) {
      CountLinesTo(pos_);
      out_.Append(type, antlr4::Token::HIDDEN_CHANNEL, pos_, end - 1, line_, pos_ - line_start_);
    }
    pos_ = end;
  }
  void CountLinesTo(size_t offset) {
    const char* data = text_.data();
    while (counted_ < offset) {
      const void* newline = std::memchr(data + counted_, '\n', offset - counted_);
      if (!newline) {
        counted_ = offset;
        break;
      }
      counted_ = static_cast<const char*>(newline) - data + 1;
      ++line_;
      line_start_ = counted_;
    }
  }

  void PushMode(Mode mode) {
    modes_.push_back(mode_);
    mode_ = mode;
  }
  void PopMode() {  // a stray `}` at top level is a parse error, not a crash
    if (modes_.empty()) return;
    mode_ = modes_.back();
    modes_.pop_back();
  }
  void OpenString(size_t type, size_t end, Mode mode) {
    out_.mutable_open_strings().push_back(pos_);
    Emit(type, end);
    PushMode(mode);
  }
  void CloseString(size_t type, size_t end) {
    std::vector<size_t>& open = out_.mutable_open_strings();
    if (!open.empty()) open.pop_back();
    Emit(type, end);
    PopMode();
  }

  // ('/' PATH_CHAR+)+ from `at`, which starts one such segment.
  size_t PathSegments(size_t at) const {
    while (At(at) == '/' && IsPathChar(At(at + 1))) {
      at += 2;
      while (IsPathChar(At(at))) ++at;
    }
    return at;
  }
  bool StartsSegment(size_t at) const { return At(at) == '/' && IsPathChar(At(at + 1)); }

  void Default() {
    size_t p = pos_;
    int c = At(p);
    int next = At(p + 1);
    switch (c) {
      case ' ':
      case '\t':
      case '\r':
      case '\n':
      case '\f': {
        size_t end = p + 1;
        while (IsSpace(At(end))) ++end;
        pos_ = end;  // WS -> skip
        return;
      }
      case '#': {
        size_t end = p + 1;  // LINE_COMMENT: '#' ~[\r\n]*
        while (end < text_.size() && text_[end] != '\n' && text_[end] != '\r') ++end;
        return Comment(T::LINE_COMMENT, end);
      }
      case '/':
        if (next == '*') return BlockComment();
        if (next == '/') {
          if (last_type_ != T::IMPORT) return Emit(T::UPDATE, p + 2);
          size_t end = p + 2;  // LABEL: '//' (PATH_CHAR+ ('/' PATH_CHAR+)*)?
          if (IsPathChar(At(end))) {
            while (IsPathChar(At(end))) ++end;
            end = PathSegments(end);
          }
          return Emit(T::LABEL, end);
        }
        if (IsPathChar(next)) return Emit(T::PATH, PathSegments(p));
        return Emit(T::SLASH, p + 1);
      case '.':
        if (StartsSegment(p + 1)) return Emit(T::PATH, PathSegments(p + 1));
        if (next == '.') {
          if (At(p + 2) == '.') return Emit(T::ELLIPSIS, p + 3);
          if (StartsSegment(p + 2)) return Emit(T::PATH, PathSegments(p + 2));
        }
        return Emit(T::DOT, p + 1);
      case '<': {
        if (IsPathChar(next)) {  // STD_PATH: '<' PATH_CHAR+ ('/' PATH_CHAR+)* '>'
          size_t end = p + 1;
          while (IsPathChar(At(end))) ++end;
          end = PathSegments(end);
          if (At(end) == '>') return Emit(T::STD_PATH, end + 1);
        }
        return Emit(next == '=' ? T::LE : T::LT, next == '=' ? p + 2 : p + 1);
      }
      case '"': {
        size_t end = PlainStringEnd(p);
        if (end != 0) return Emit(T::STRING, end);
        return OpenString(T::STRING_OPEN, p + 1, Mode::kString);
      }
      case '\'':
        if (next == '\'') return OpenString(T::IND_OPEN, p + 2, Mode::kIndented);
        return Emit(T::ERROR_CHAR, p + 1);
      case '$':
        if (next == '{') {
          Emit(T::DOLLAR_BRACE, p + 2);
          return PushMode(Mode::kDefault);
        }
        return Emit(T::ERROR_CHAR, p + 1);
      case '{':
        Emit(T::LBRACE, p + 1);
        return PushMode(Mode::kDefault);
      case '}':
        Emit(T::RBRACE, p + 1);
        return PopMode();
      case '|':
        if (next == '>') return Emit(T::PIPE, p + 2);
        if (next == '|') return Emit(T::OROR, p + 2);
        return Emit(T::ERROR_CHAR, p + 1);
      case '&':
        return next == '&' ? Emit(T::ANDAND, p + 2) : Emit(T::ERROR_CHAR, p + 1);
      case '-':
        return next == '>' ? Emit(T::IMPL, p + 2) : Emit(T::MINUS, p + 1);
      case '=':
        return next == '=' ? Emit(T::EQEQ, p + 2) : Emit(T::EQ, p + 1);
      case '!':
        return next == '=' ? Emit(T::NEQ, p + 2) : Emit(T::BANG, p + 1);
      case '>':
        return next == '=' ? Emit(T::GE, p + 2) : Emit(T::GT, p + 1);
      case '+':
        return next == '+' ? Emit(T::CONCAT, p + 2) : Emit(T::PLUS, p + 1);
      case ':':
        return next == ':' ? Emit(T::DCOLON, p + 2) : Emit(T::COLON, p + 1);
      case '*':
        return Emit(T::STAR, p + 1);
      case '?':
        return Emit(T::QUESTION, p + 1);
      case ',':
        return Emit(T::COMMA, p + 1);
      case ';':
        return Emit(T::SEMI, p + 1);
      case '@':
        return Emit(T::AT, p + 1);
      case '(':
        return Emit(T::LPAREN, p + 1);
      case ')':
        return Emit(T::RPAREN, p + 1);
      case '[':
        return Emit(T::LBRACK, p + 1);
      case ']':
        return Emit(T::RBRACK, p + 1);
      default:
        break;
    }
    if (IsWordChar(c)) return Word();
    if (c >= 0x80) {  // ERROR_CHAR: [\u0080-\u00FF]+ keeps a UTF-8 sequence in one token
      size_t end = p + 1;
      while (At(end) >= 0x80) ++end;
      return Emit(T::ERROR_CHAR, end);
    }
    Emit(T::ERROR_CHAR, p + 1);
  }

  // ID, a keyword, INT, FLOAT or PATH: the longest of them, a keyword over ID on a tie.
  void Word() {
    size_t p = pos_;
    size_t word_end = p;
    while (IsWordChar(At(word_end))) ++word_end;
    if (StartsSegment(word_end)) return Emit(T::PATH, PathSegments(word_end));
    if (!IsDigit(At(p))) return Emit(KeywordOrId(text_.substr(p, word_end - p)), word_end);
    size_t digits_end = p;
    while (IsDigit(At(digits_end))) ++digits_end;
    if (At(digits_end) != '.' || !IsDigit(At(digits_end + 1))) return Emit(T::INT, digits_end);
    // FLOAT: [0-9]+ '.' [0-9]+ ([eE] [+-]? [0-9]+)?
    size_t end = digits_end + 1;
    while (IsDigit(At(end))) ++end;
    if (At(end) == 'e' || At(end) == 'E') {
      size_t exponent = end + 1;
      if (At(exponent) == '+' || At(exponent) == '-') ++exponent;
      if (IsDigit(At(exponent))) {
        while (IsDigit(At(exponent))) ++exponent;
        end = exponent;
      }
    }
    Emit(T::FLOAT, end);
  }

  // BLOCK_COMMENT: '/*' .*? ('*/' | EOF).
  void BlockComment() {
    size_t p = pos_;
    size_t end = text_.size();
    size_t close = text_.find("*/", p + 2);
    if (close != std::string_view::npos)
      end = close + 2;
    else if (out_.unterminated_comment() == TokenBuffer::kNone)
      out_.set_unterminated_comment(p);
    Comment(T::BLOCK_COMMENT, end);
  }

  // The end of STRING ('"' (~["\\$] | '\\' . | '$' ~["\\{] | '$' '\\' .)* '$'? '"') at `p`,
  // or 0 when the string has an interpolation or no end (then it opens the STR mode).
  size_t PlainStringEnd(size_t p) const {
    size_t at = p + 1;
    while (true) {
      int c = At(at);
      if (c == kEnd) return 0;
      if (c == '"') return at + 1;
      if (c == '\\') {
        if (At(at + 1) == kEnd) return 0;
        at += 2;
      } else if (c == '$') {
        int next = At(at + 1);
        if (next == kEnd || next == '{') return 0;
        if (next == '"') return at + 2;
        if (next == '\\') {
          if (At(at + 2) == kEnd) return 0;
          at += 3;
        } else {
          at += 2;
        }
      } else {
        ++at;
      }
    }
  }

  void InString() {
    size_t p = pos_;
    int c = At(p);
    int next = At(p + 1);
    if (c == '"') return CloseString(T::STR_END, p + 1);
    if (c == '$') {
      if (next == '{') {
        Emit(T::STR_INTERP, p + 2);
        return PushMode(Mode::kDefault);
      }
      if (next == kEnd || next == '"' || next == '\\') return Emit(T::STR_DOLLAR, p + 1);
    }
    if (c == '\\' && next == kEnd) return Emit(T::STR_BACKSLASH, p + 1);
    // STR_TEXT: (~["\\$] | '\\' . | '$' ~["\\{])+
    size_t at = p;
    while (true) {
      int d = At(at);
      if (d == kEnd || d == '"') break;
      if (d == '\\') {
        if (At(at + 1) == kEnd) break;
        at += 2;
      } else if (d == '$') {
        int e = At(at + 1);
        if (e == kEnd || e == '"' || e == '\\' || e == '{') break;
        at += 2;
      } else {
        ++at;
      }
    }
    Emit(T::STR_TEXT, at);
  }

  void InIndented() {
    size_t p = pos_;
    int c = At(p);
    int next = At(p + 1);
    if (c == '\'') {
      if (next != '\'') return Emit(T::IND_QUOTE, p + 1);
      int third = At(p + 2);  // IND_ESCAPE: ''' | ''$ | ''\ followed by any byte
      if (third == '\'' || third == '$') return Emit(T::IND_ESCAPE, p + 3);
      if (third == '\\' && At(p + 3) != kEnd) return Emit(T::IND_ESCAPE, p + 4);
      return CloseString(T::IND_END, p + 2);
    }
    if (c == '$') {
      if (next == '{') {
        Emit(T::IND_INTERP, p + 2);
        return PushMode(Mode::kDefault);
      }
      if (next == kEnd || next == '\'') return Emit(T::IND_DOLLAR, p + 1);
    }
    // IND_TEXT: (~['$] | '$' ~['{])+
    size_t at = p;
    while (true) {
      int d = At(at);
      if (d == kEnd || d == '\'') break;
      if (d == '$') {
        int e = At(at + 1);
        if (e == kEnd || e == '\'' || e == '{') break;
        at += 2;
      } else {
        ++at;
      }
    }
    Emit(T::IND_TEXT, at);
  }

  std::string_view text_;
  bool keep_comments_;
  TokenBuffer& out_;
  size_t pos_ = 0;
  Mode mode_ = Mode::kDefault;
  std::vector<Mode> modes_;
  // The type of the last token on the default channel: a LABEL is lexed only after `import`.
  size_t last_type_ = 0;
  // Line bookkeeping: newlines before `counted_` are counted; `line_start_` is where the line
  // holding `counted_` starts.
  size_t counted_ = 0;
  size_t line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

void Lex(std::string_view text, bool keep_comments, TokenBuffer& out) {
  Scanner(text, keep_comments, out).Run();
}

}  // namespace strata::syntax
