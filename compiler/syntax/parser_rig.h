// The ANTLR lexer and parser over one file's text, wired as every Strata parse is: no console
// error listeners, syntax errors to a SyntaxErrorSink through Strata's error strategy, and the
// nesting guard that ends a too-deep parse with an error instead of a stack overflow.
#pragma once

#include <antlr4-runtime.h>

#include <memory>
#include <string_view>

#include "StrataLexer.h"
#include "StrataParser.h"
#include "compiler/syntax/byte_stream.h"
#include "compiler/syntax/syntax_errors.h"

namespace strata::syntax {

// ANTLR rule frames allowed on the stack; one level of parentheses takes 5. Well inside the
// large stack, and far beyond what kMaxNestingDepth lets through anyway.
inline constexpr size_t kMaxRuleDepth = 100000;

struct ParserRig {
  ParserRig(std::string_view text, SyntaxErrorSink& sink)
      : input(text), lexer(&input), tokens(&lexer), parser(&tokens), guard(kMaxRuleDepth) {
    lexer.removeErrorListeners();
    parser.removeErrorListeners();
    parser.addErrorListener(&sink);
    parser.setErrorHandler(std::make_shared<SyntaxErrorStrategy>(sink));
    parser.addParseListener(&guard);
  }

  ByteStream input;  // the members refer to each other in this order
  grammar::StrataLexer lexer;
  antlr4::CommonTokenStream tokens;
  grammar::StrataParser parser;
  NestingGuard guard;
};

}  // namespace strata::syntax
