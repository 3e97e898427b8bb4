// Syntax error reporting for the ANTLR parser: readable messages ("unexpected ';', expected an
// expression") instead of ANTLR's token-set dumps, one message per mistake, and a guard that
// stops the parser before very deep nesting can exhaust the stack.
#pragma once

#include <antlr4-runtime.h>

#include <string>

#include "compiler/diag/diagnostics.h"

namespace strata::syntax {

// Thrown by NestingGuard out of the ANTLR parser; Parse catches it and reports it.
struct NestingTooDeep {
  size_t offset;
};
// Thrown by SyntaxErrorSink after too many errors: the input is not a Strata program.
struct TooManyErrors {};

// Reports syntax errors into a DiagnosticEngine. Suppresses follow-on errors: a second error at
// the same place, and errors at the end of the file once an unterminated string or comment
// was reported (that is where they come from).
class SyntaxErrorSink : public antlr4::BaseErrorListener {
 public:
  SyntaxErrorSink(diag::FileId file, diag::DiagnosticEngine& diags, size_t text_size)
      : file_(file), diags_(diags), text_size_(text_size) {}

  void Report(diag::SourceRange range, std::string message);
  // An error the lexer found (unterminated string or comment): later errors at EOF are noise.
  void ReportUnterminated(size_t offset, std::string message);

  // ANTLR calls this for errors we did not format ourselves.
  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t column, const std::string& message, std::exception_ptr error) override;

  diag::SourceRange TokenRange(const antlr4::Token* token) const;
  bool reported_any() const { return reported_any_; }

 private:
  diag::FileId file_;
  diag::DiagnosticEngine& diags_;
  size_t text_size_;
  bool reported_any_ = false;
  bool eof_explained_ = false;
  size_t last_offset_ = static_cast<size_t>(-1);
  size_t count_ = 0;
};

// DefaultErrorStrategy with our own messages; ANTLR's recovery is kept.
class SyntaxErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit SyntaxErrorStrategy(SyntaxErrorSink& sink) : sink_(sink) {}

  // ANTLR's check before every loop and block copies the state's follow set (a vector: a
  // malloc and a free, ~6% of `strata graph` on 10,000 targets). The same check without the
  // copy; anything it does not accept goes to ANTLR's sync as before.
  void sync(antlr4::Parser* parser) override;

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser,
                                 const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* parser,
                           const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* parser,
                             const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* parser) override;
  void reportMissingToken(antlr4::Parser* parser) override;
  // Never deletes a closing or separating token (`;`, `}`, `in`...): dropping `;` in
  // `a = ; b = 1;` would glue the next binding onto this one and cascade.
  antlr4::Token* singleTokenDeletion(antlr4::Parser* parser) override;

 private:
  void ReportUnexpected(antlr4::Parser* parser, antlr4::Token* token,
                        const antlr4::misc::IntervalSet& expected);
  SyntaxErrorSink& sink_;
};

// Counts rule nesting while ANTLR parses and throws NestingTooDeep past `max_depth`.
class NestingGuard : public antlr4::tree::ParseTreeListener {
 public:
  explicit NestingGuard(size_t max_depth) : max_depth_(max_depth) {}
  void enterEveryRule(antlr4::ParserRuleContext* ctx) override;
  void exitEveryRule(antlr4::ParserRuleContext* ctx) override { --depth_; }
  void visitTerminal(antlr4::tree::TerminalNode*) override {}
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}

 private:
  size_t max_depth_;
  size_t depth_ = 0;
};

// How a token is shown in a message: 'let', end of file, or (for a stray byte) its text.
std::string DescribeToken(const antlr4::Token* token);
// "an expression", "';'", "'}' or ','", ...; empty when the set is too large to be helpful.
std::string DescribeExpected(const antlr4::misc::IntervalSet& expected,
                             const antlr4::dfa::Vocabulary& vocabulary);

}  // namespace strata::syntax
