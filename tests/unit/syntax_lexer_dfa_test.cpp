// The lexer's DFA cache works: a predicate at the start of a lexer rule once kept ANTLR from
// caching any state (every token simulated on the ATN, 10x slower; issue 14).
#include <catch2/catch.hpp>
#include <string>

#include "StrataLexer.h"
#include "compiler/syntax/byte_stream.h"

namespace strata::syntax {
namespace {

TEST_CASE("the lexer caches its DFA from the default mode's start state", "[syntax]") {
  ByteStream input("let a = { x = 1; } // { y = 2; }; in import //libs/base a.x");
  grammar::StrataLexer lexer(&input);
  size_t count = 0;
  while (lexer.nextToken()->getType() != antlr4::Token::EOF) ++count;
  REQUIRE(count == 23);
  const antlr4::dfa::DFA& dfa = lexer.getInterpreter<antlr4::atn::LexerATNSimulator>()->getDFA(
      grammar::StrataLexer::DEFAULT_MODE);
  // ANTLR sets the start state only when the start closure went through no predicate; without
  // it, no token is ever matched from the cache. With it, the characters lexed above (`l`,
  // ` `, `a`, ...) have cached edges.
  REQUIRE(dfa.s0 != nullptr);
  CHECK(dfa.s0->edges.size() >= 5);
}

TEST_CASE("`//` is a label only right after import", "[syntax]") {
  ByteStream input("import //a/b x //c");
  grammar::StrataLexer lexer(&input);
  std::vector<size_t> types;
  for (auto t = lexer.nextToken(); t->getType() != antlr4::Token::EOF; t = lexer.nextToken())
    types.push_back(t->getType());
  using L = grammar::StrataLexer;
  CHECK(types == std::vector<size_t>{L::IMPORT, L::LABEL, L::ID, L::UPDATE, L::ID});
}

}  // namespace
}  // namespace strata::syntax
