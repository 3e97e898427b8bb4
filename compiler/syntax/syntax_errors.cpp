// Syntax error reporting for the ANTLR parser: readable messages, one per mistake.
#include "compiler/syntax/syntax_errors.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "StrataParser.h"

namespace strata::syntax {
namespace {

using antlr4::misc::IntervalSet;
using grammar::StrataParser;

// After this many syntax errors the input is not a Strata program; stop reading it.
constexpr size_t kMaxSyntaxErrors = 50;
constexpr size_t kMaxShownTokenBytes = 24;

const size_t kExpressionStart[] = {
    StrataParser::ID,       StrataParser::INT,      StrataParser::TRUE,   StrataParser::FALSE,
    StrataParser::PATH,     StrataParser::STD_PATH, StrataParser::STRING, StrataParser::STRING_OPEN,
    StrataParser::IND_OPEN, StrataParser::LPAREN,   StrataParser::LBRACE, StrataParser::LBRACK,
    StrataParser::REC,      StrataParser::IMPORT,   StrataParser::MINUS,  StrataParser::BANG,
    StrataParser::LET,      StrataParser::IF,       StrataParser::ASSERT, StrataParser::WITH,
    StrataParser::FLOAT,    StrataParser::LABEL};  // a LABEL only after `import`, never on its own
const size_t kOperators[] = {
    StrataParser::PIPE,     StrataParser::IMPL,  StrataParser::OROR,   StrataParser::ANDAND,
    StrataParser::EQEQ,     StrataParser::NEQ,   StrataParser::LE,     StrataParser::GE,
    StrataParser::LT,       StrataParser::GT,    StrataParser::UPDATE, StrataParser::CONCAT,
    StrataParser::PLUS,     StrataParser::MINUS, StrataParser::STAR,   StrataParser::SLASH,
    StrataParser::QUESTION, StrataParser::DOT,   StrataParser::OR_KW};

// Shows bytes as text, with control bytes and invalid UTF-8 as \xNN.
std::string Printable(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (valid && length == 1 && (c < 0x20 || c == 0x7f)) valid = false;
    if (!valid) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

// The token's bytes: the lexer reads one code point per byte, so undo ANTLR's UTF-8 encoding.
std::string TokenBytes(const antlr4::Token* token) {
  std::string text = token->getText();
  std::u32string code_points = antlrcpp::utf8_to_utf32(text.data(), text.data() + text.size());
  std::string bytes;
  for (char32_t c : code_points) bytes += static_cast<char>(c & 0xFF);
  return bytes;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

bool ContainsAll(const IntervalSet& set, std::initializer_list<size_t> types) {
  for (size_t t : types)
    if (!set.contains(t)) return false;
  return true;
}

}  // namespace

diag::SourceRange SyntaxErrorSink::TokenRange(const antlr4::Token* token) const {
  if (!token || token->getType() == antlr4::Token::EOF || token->getStartIndex() == INVALID_INDEX)
    return {file_, static_cast<uint32_t>(text_size_), static_cast<uint32_t>(text_size_)};
  size_t begin = token->getStartIndex();
  size_t end = std::max(begin, token->getStopIndex() + 1);
  return {file_, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
}

void SyntaxErrorSink::Report(diag::SourceRange range, std::string message) {
  if (range.begin == last_offset_) return;                  // one mistake, one message
  if (eof_explained_ && range.begin >= text_size_) return;  // fallout of an unterminated string
  last_offset_ = range.begin;
  reported_any_ = true;
  diags_.Error(range, std::move(message));
  if (++count_ >= kMaxSyntaxErrors) {
    diags_.Error(range, "too many syntax errors; giving up on this file");
    throw TooManyErrors{};
  }
}

void SyntaxErrorSink::ReportUnterminated(size_t offset, std::string message) {
  uint32_t begin = static_cast<uint32_t>(offset);
  Report({file_, begin, begin + 2}, std::move(message));
  eof_explained_ = true;
}

void SyntaxErrorSink::syntaxError(antlr4::Recognizer*, antlr4::Token* offending, size_t, size_t,
                                  const std::string& message, std::exception_ptr) {
  Report(TokenRange(offending), message);
}

void SyntaxErrorStrategy::ReportUnexpected(antlr4::Parser* parser, antlr4::Token* token,
                                           const IntervalSet& expected) {
  std::string message;
  if (token && token->getType() == StrataParser::ERROR_CHAR) {
    message = "unexpected character " + DescribeToken(token);
  } else {
    message = "unexpected " + DescribeToken(token);
    std::string wanted = DescribeExpected(expected, parser->getVocabulary());
    if (!wanted.empty()) message += ", expected " + wanted;
  }
  sink_.Report(sink_.TokenRange(token), std::move(message));
}

void SyntaxErrorStrategy::reportNoViableAlternative(antlr4::Parser* parser,
                                                    const antlr4::NoViableAltException& e) {
  // The expected set describes the start of the decision; use it only when that is where
  // the input went wrong.
  antlr4::Token* token = e.getOffendingToken();
  if (e.getStartToken() == token)
    ReportUnexpected(parser, token, e.getExpectedTokens());
  else
    ReportUnexpected(parser, token, IntervalSet());
}

void SyntaxErrorStrategy::reportInputMismatch(antlr4::Parser* parser,
                                              const antlr4::InputMismatchException& e) {
  ReportUnexpected(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void SyntaxErrorStrategy::reportFailedPredicate(antlr4::Parser* parser,
                                                const antlr4::FailedPredicateException& e) {
  ReportUnexpected(parser, e.getOffendingToken(), IntervalSet());
}

void SyntaxErrorStrategy::reportUnwantedToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  ReportUnexpected(parser, parser->getCurrentToken(), getExpectedTokens(parser));
}

void SyntaxErrorStrategy::reportMissingToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  antlr4::Token* current = parser->getCurrentToken();
  std::string wanted = DescribeExpected(getExpectedTokens(parser), parser->getVocabulary());
  if (wanted.empty()) wanted = "more input";
  // Point just after the previous token: that is where the missing one belongs.
  antlr4::Token* previous = parser->getTokenStream()->LT(-1);
  diag::SourceRange range = sink_.TokenRange(current);
  if (previous && previous->getType() != antlr4::Token::EOF) {
    diag::SourceRange prev = sink_.TokenRange(previous);
    range = {prev.file, prev.end, prev.end};
  }
  sink_.Report(range, "expected " + wanted + " before " + DescribeToken(current));
}

void SyntaxErrorStrategy::sync(antlr4::Parser* parser) {
  if (!inErrorRecoveryMode(parser)) {
    const antlr4::atn::ATN& atn = parser->getATN();
    const IntervalSet& next = atn.nextTokens(atn.states[parser->getState()]);
    size_t next_type = parser->getTokenStream()->LA(1);
    if (next.contains(antlr4::Token::EPSILON) || next.contains(next_type)) return;
  }
  DefaultErrorStrategy::sync(parser);
}

antlr4::Token* SyntaxErrorStrategy::singleTokenDeletion(antlr4::Parser* parser) {
  switch (parser->getCurrentToken()->getType()) {
    case StrataParser::SEMI:
    case StrataParser::COMMA:
    case StrataParser::RBRACE:
    case StrataParser::RPAREN:
    case StrataParser::RBRACK:
    case StrataParser::IN:
    case StrataParser::THEN:
    case StrataParser::ELSE:
    case StrataParser::STR_END:
    case StrataParser::IND_END:
      return nullptr;
    default:
      return DefaultErrorStrategy::singleTokenDeletion(parser);
  }
}

void NestingGuard::enterEveryRule(antlr4::ParserRuleContext* ctx) {
  if (++depth_ > max_depth_)
    throw NestingTooDeep{ctx->getStart() ? ctx->getStart()->getStartIndex() : 0};
}

std::string DescribeToken(const antlr4::Token* token) {
  if (!token || token->getType() == antlr4::Token::EOF) return "end of file";
  std::string bytes = TokenBytes(token);
  bool cut = bytes.size() > kMaxShownTokenBytes;
  if (cut) {
    size_t keep = kMaxShownTokenBytes;
    while (keep > 0 && (static_cast<unsigned char>(bytes[keep]) & 0xC0) == 0x80) --keep;
    bytes.resize(keep);
  }
  return "'" + Printable(bytes) + (cut ? "...'" : "'");
}

std::string DescribeExpected(const IntervalSet& expected,
                             const antlr4::dfa::Vocabulary& vocabulary) {
  if (expected.isEmpty()) return "";
  IntervalSet rest = expected;
  std::vector<std::string> items;
  if (ContainsAll(rest, {StrataParser::INT, StrataParser::LPAREN, StrataParser::ID})) {
    items.push_back("an expression");
    for (size_t t : kExpressionStart) rest.remove(t);
  }
  if (ContainsAll(rest, {StrataParser::PLUS, StrataParser::STAR, StrataParser::EQEQ})) {
    items.push_back("an operator");
    for (size_t t : kOperators) rest.remove(t);
  }
  if (ContainsAll(rest, {StrataParser::ID, StrataParser::STRING, StrataParser::DOLLAR_BRACE})) {
    items.push_back("an attribute name");
    for (size_t t : {size_t{StrataParser::ID}, size_t{StrataParser::STRING},
                     size_t{StrataParser::STRING_OPEN}, size_t{StrataParser::DOLLAR_BRACE}})
      rest.remove(t);
  }
  rest.remove(
      static_cast<size_t>(StrataParser::DOLLAR_BRACE));  // unsupported anyway; do not suggest it
  bool said_string = false;
  for (ssize_t signed_type : rest.toList()) {
    size_t type = static_cast<size_t>(signed_type);
    switch (type) {
      case antlr4::Token::EOF:
        items.push_back("end of file");
        break;
      case StrataParser::ID:
        items.push_back("a name");
        break;
      case StrataParser::INT:
        items.push_back("an integer");
        break;
      case StrataParser::PATH:
        items.push_back("a path");
        break;
      case StrataParser::STD_PATH:
        items.push_back("<std/NAME>");
        break;
      case StrataParser::STRING:
      case StrataParser::STRING_OPEN:
      case StrataParser::IND_OPEN:
        if (!said_string) items.push_back("a string");
        said_string = true;
        break;
      case StrataParser::STR_END:
        items.push_back("'\"'");
        break;
      case StrataParser::IND_END:
        items.push_back("''");
        break;
      default: {
        std::string literal = vocabulary.getLiteralName(type);
        if (literal.empty()) literal = vocabulary.getDisplayName(type);
        items.push_back(literal);
      }
    }
  }
  if (items.size() > 5) return "";
  return Join(items);
}

}  // namespace strata::syntax
