// The lexed tokens and the ANTLR parser over one file's text, wired as every Strata parse is:
// no console error listeners, syntax errors to a SyntaxErrorSink through Strata's error
// strategy, and the nesting guard that ends a too-deep parse with an error instead of a stack
// overflow. The whole file is lexed first (lexer.h), so an unterminated string or comment is
// known before the parser's complaints about the end of the file.
#pragma once

#include <antlr4-runtime.h>

#include <memory>
#include <string_view>

#include "StrataParser.h"
#include "compiler/syntax/syntax_errors.h"
#include "compiler/syntax/token_buffer.h"
#include "compiler/syntax/token_stream.h"

namespace strata::syntax {

// ANTLR rule frames allowed on the stack; one level of parentheses takes 5. Well inside the
// large stack, and far beyond what kMaxNestingDepth lets through anyway.
inline constexpr size_t kMaxRuleDepth = 100000;

// The generated parser with one of ANTLR's checks taken out: every rule's context is a
// ParserRuleContext (no other kind is ever made), so adding it to its parent needs no
// dynamic_cast (ANTLR's took ~2% of `strata graph` on 10,000 targets).
class RigParser final : public grammar::StrataParser {
 public:
  using grammar::StrataParser::StrataParser;

 protected:
  void addContextToParseTree() override {
    if (_ctx->parent) static_cast<antlr4::ParserRuleContext*>(_ctx->parent)->addChild(_ctx);
  }
};

struct ParserRig {
  ParserRig(std::string_view text, SyntaxErrorSink& sink, bool keep_comments = false)
      : lexed(text, keep_comments), tokens(lexed), parser(&tokens), guard(kMaxRuleDepth) {
    parser.removeErrorListeners();
    parser.addErrorListener(&sink);
    parser.setErrorHandler(std::make_shared<SyntaxErrorStrategy>(sink));
    parser.addParseListener(&guard);
  }

  TokenBuffer lexed;  // the members refer to each other in this order
  TokenStream tokens;
  RigParser parser;
  NestingGuard guard;
};

}  // namespace strata::syntax
