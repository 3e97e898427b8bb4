// The hand-written lexer (compiler/syntax/lexer.h) against the generated StrataLexer, which
// grammar/StrataLexer.g4 specifies: every token field, the side results, and the parser's walk
// over the tokens, on every .strata file of the repository, hand-picked edge cases, random
// bytes and random mutations of real files.
// The generated headers first: Catch2's BDD macro THEN would rename StrataParser's THEN().
#include "StrataLexer.h"
#include "StrataParser.h"
// clang-format off
#include <catch2/catch.hpp>
// clang-format on
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/syntax/ast_builder.h"
#include "compiler/syntax/byte_stream.h"
#include "compiler/syntax/lexer.h"
#include "compiler/syntax/syntax_errors.h"
#include "compiler/syntax/token_buffer.h"
#include "compiler/syntax/token_stream.h"

namespace strata::syntax {
namespace {

namespace fs = std::filesystem;

struct Fields {
  size_t type, channel, start, stop, line, column, index;
  std::string text;
  bool operator==(const Fields& o) const {
    return type == o.type && channel == o.channel && start == o.start && stop == o.stop &&
           line == o.line && column == o.column && index == o.index && text == o.text;
  }
};

Fields FieldsOf(const antlr4::Token& t) {
  return {t.getType(),       t.getChannel(), t.getStartIndex(),
          t.getStopIndex(),  t.getLine(),    t.getCharPositionInLine(),
          t.getTokenIndex(), t.getText()};
}

std::string Show(const Fields& f) {
  std::ostringstream out;
  out << "type=" << static_cast<long long>(f.type) << " channel=" << f.channel
      << " start=" << f.start << " stop=" << static_cast<long long>(f.stop) << " line=" << f.line
      << " col=" << f.column << " index=" << f.index << " text.size=" << f.text.size();
  return out.str();
}

std::string Escaped(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, 400)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
  return out;
}

struct Lexed {
  std::vector<Fields> tokens;
  std::vector<size_t> open_strings;
  size_t unterminated_comment;
};

Lexed ByOracle(std::string_view text, bool keep_comments) {
  ByteStream input(text);
  grammar::StrataLexer lexer(&input);
  lexer.keep_comments = keep_comments;
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  Lexed out{{}, lexer.open_strings, lexer.unterminated_comment};
  for (antlr4::Token* t : tokens.getTokens()) out.tokens.push_back(FieldsOf(*t));
  return out;
}

Lexed ByHand(std::string_view text, bool keep_comments) {
  TokenBuffer buffer(text, keep_comments);
  Lexed out{{}, buffer.open_strings(), buffer.unterminated_comment()};
  for (const LexedToken& t : buffer.tokens()) out.tokens.push_back(FieldsOf(t));
  return out;
}

// Empty when both lexers agree, else what differs first.
std::string Difference(std::string_view text, bool keep_comments) {
  Lexed want = ByOracle(text, keep_comments);
  Lexed got = ByHand(text, keep_comments);
  for (size_t i = 0; i < std::min(want.tokens.size(), got.tokens.size()); ++i)
    if (!(want.tokens[i] == got.tokens[i]))
      return "token " + std::to_string(i) + ": StrataLexer " + Show(want.tokens[i]) +
             " | lexer.h " + Show(got.tokens[i]);
  if (want.tokens.size() != got.tokens.size())
    return "token counts " + std::to_string(want.tokens.size()) + " vs " +
           std::to_string(got.tokens.size());
  if (want.open_strings != got.open_strings) return "open_strings differ";
  if (want.unterminated_comment != got.unterminated_comment) return "unterminated_comment differs";
  return "";
}

// Walks CommonTokenStream and TokenStream through the same random moves (the ones the parser
// and its error recovery make) and compares where they are and what they return.
std::string StreamDifference(std::string_view text, std::mt19937& random) {
  ByteStream input(text);
  grammar::StrataLexer lexer(&input);
  lexer.keep_comments = true;  // hidden tokens between the parser's
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream want(&lexer);
  want.fill();
  TokenBuffer buffer(text, true);
  TokenStream got(buffer);
  auto index_of = [](antlr4::Token* t) {
    return t ? static_cast<long long>(t->getTokenIndex()) : -2LL;
  };
  for (int step = 0; step < 200; ++step) {
    int move = static_cast<int>(random() % 10);
    std::string what;
    if (move < 5) {
      bool want_threw = false, got_threw = false;
      try {
        want.consume();
      } catch (const antlr4::IllegalStateException&) {
        want_threw = true;
      }
      try {
        got.consume();
      } catch (const antlr4::IllegalStateException&) {
        got_threw = true;
      }
      if (want_threw != got_threw) return "consume at step " + std::to_string(step);
    } else if (move < 7) {
      ssize_t k = static_cast<ssize_t>(random() % 7) - 3;
      if (index_of(want.LT(k)) != index_of(got.LT(k)))
        return "LT(" + std::to_string(k) + ") at step " + std::to_string(step);
      // (CommonTokenStream's LA dereferences LT's null before the first token.)
      if (k != 0 && want.LT(k) && want.LA(k) != got.LA(k))
        return "LA(" + std::to_string(k) + ") at step " + std::to_string(step);
    } else if (move < 8) {
      size_t to = random() % (want.size() + 2);
      want.seek(to);
      got.seek(to);
    } else {
      size_t a = random() % want.size(), b = random() % want.size();
      if (want.getText(antlr4::misc::Interval(a, b)) != got.getText(antlr4::misc::Interval(a, b)))
        return "getText at step " + std::to_string(step);
    }
    if (want.index() != got.index()) return "index at step " + std::to_string(step);
  }
  if (want.getText() != got.getText()) return "getText()";
  return "";
}

// The AST builder tells parse tree nodes apart by their exact type (ast_builder.cpp): it must
// agree with dynamic_cast on every node of every tree, error nodes included.
size_t KindMismatches(antlr4::tree::ParseTree* tree) {
  using antlr4::tree::ErrorNode;
  using antlr4::tree::TerminalNode;
  auto* terminal = dynamic_cast<TerminalNode*>(tree);
  bool error = dynamic_cast<ErrorNode*>(tree) != nullptr;
  size_t mismatches = 0;
  if (TokenOf(tree) != (terminal && !error ? terminal->getSymbol() : nullptr)) ++mismatches;
  if (RuleOf(tree) != dynamic_cast<antlr4::ParserRuleContext*>(tree)) ++mismatches;
  if (IsErrorNode(tree) != error) ++mismatches;
  for (antlr4::tree::ParseTree* child : tree->children) mismatches += KindMismatches(child);
  return mismatches;
}

// The parse tree and syntax errors over either token stream.
std::string ParseOver(antlr4::TokenStream& tokens, std::string_view text) {
  diag::DiagnosticEngine diags;
  SyntaxErrorSink sink(diag::FileId{}, diags, text.size());
  grammar::StrataParser parser(&tokens);
  parser.removeErrorListeners();
  parser.addErrorListener(&sink);
  parser.setErrorHandler(std::make_shared<SyntaxErrorStrategy>(sink));
  std::string out;
  try {
    grammar::StrataParser::FileContext* tree = parser.file();
    out = tree->toStringTree(&parser);
    if (size_t mismatches = KindMismatches(tree))
      out += "\n" + std::to_string(mismatches) + " nodes whose kind the AST builder mistakes";
  } catch (const TooManyErrors&) {
    out = "(too many errors)";
  }
  for (const diag::Diagnostic& d : diags.diagnostics())
    out +=
        "\n" + std::to_string(d.range.begin) + "-" + std::to_string(d.range.end) + " " + d.message;
  return out;
}

std::string ParseDifference(std::string_view text) {
  ByteStream input(text);
  grammar::StrataLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream want(&lexer);
  want.fill();
  TokenBuffer buffer(text, false);
  TokenStream got(buffer);
  std::string a = ParseOver(want, text);
  std::string b = ParseOver(got, text);
  if (a == b) return "";
  return "parse differs:\n" + a.substr(0, 2000) + "\n---\n" + b.substr(0, 2000);
}

std::vector<std::string> RepositoryPrograms() {
  std::vector<std::string> texts;
  for (const char* dir : {"tests", "examples", "stdlib"}) {
    fs::path root = fs::path(STRATA_SOURCE_DIR) / dir;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".strata") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream content;
      content << in.rdbuf();
      texts.push_back(content.str());
    }
  }
  return texts;
}

const std::vector<std::string> kEdgeCases = {"",
                                             " ",
                                             "\n",
                                             "#",
                                             "# c\r\nx",
                                             "/*",
                                             "/**/",
                                             "/*/",
                                             "/* a */ b /* c",
                                             "a/b",
                                             "a//b",
                                             "import //a/b x //c",
                                             "import //",
                                             "import ///a",
                                             "import # c\n//a",
                                             "import /* c */ //a",
                                             "./a",
                                             "../a/b",
                                             "...",
                                             "../",
                                             "..",
                                             "./",
                                             ".../x",
                                             "a.b/c",
                                             "1.5",
                                             "1.5e3",
                                             "1.5e",
                                             "1.5e+",
                                             "1.5E-2x",
                                             "1.",
                                             "1a",
                                             "1a/b",
                                             "123/4",
                                             "1/2.5",
                                             "<std/base>",
                                             "<a",
                                             "<a/>",
                                             "<=",
                                             "<a/b",
                                             "a<b>c",
                                             "\"\"",
                                             "\"a${b}c\"",
                                             "\"$$\"",
                                             "\"$${x}\"",
                                             "\"$\"",
                                             "\"\\",
                                             "\"$\\\"\"",
                                             "\"a",
                                             "\"${\"${x}\"}\"",
                                             "''",
                                             "''a''",
                                             "'''''",
                                             "''$''",
                                             "''\\n''",
                                             "''\\",
                                             "''${x}'' ''",
                                             "'''",
                                             "'",
                                             "$",
                                             "${",
                                             "${}",
                                             "}",
                                             "}}}",
                                             "{ } }",
                                             "\"${ } }\"",
                                             "|>",
                                             "||",
                                             "|",
                                             "&&",
                                             "&",
                                             "->",
                                             "-",
                                             "==",
                                             "!=",
                                             "!",
                                             ">=",
                                             "++",
                                             "::",
                                             ":",
                                             "@",
                                             "\x80",
                                             "\xC3\xA9x",
                                             "\xFF\xFE",
                                             "\x01",
                                             std::string("\0a", 2),
                                             "\\",
                                             "`~%^",
                                             "letx let in inherit import or true false",
                                             "with rec assert if then else",
                                             "a/b/",
                                             "a/b/c.d+e-f",
                                             "\"\\$\"",
                                             "\"$\\",
                                             "''$",
                                             "''${",
                                             "\"${\"",
                                             "''${ '' }''",
                                             "''''\\",
                                             "\"$\"\"",
                                             "\t\f\r\n \x0b"};

std::string RandomBytes(std::mt19937& random) {
  static const std::string kAlphabet = "\"'${}/*#.\\\n <>=-|&!+:_aZ09eEi/.nport\x80\xC3\xFF\t\r";
  size_t length = random() % 40;
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    if (random() % 8 == 0)
      out += static_cast<char>(random() % 256);
    else
      out += kAlphabet[random() % kAlphabet.size()];
  }
  return out;
}

std::string Mutated(std::string text, std::mt19937& random) {
  static const char* kInserts[] = {"\"",      "${",  "}", "''", "/*", "#",  "\xC3", "\x80", "//",
                                   "import ", "'''", "$", "\\", "*/", "\n", "{",    "./",   "1."};
  size_t count = 1 + random() % 4;
  for (size_t m = 0; m < count; ++m) {
    size_t at = text.empty() ? 0 : random() % (text.size() + 1);
    switch (random() % 3) {
      case 0:  // delete
        text.erase(at, 1 + random() % 10);
        break;
      case 1:  // duplicate
        if (at < text.size()) text.insert(at, text.substr(at, 1 + random() % 20));
        break;
      default:
        text.insert(at, kInserts[random() % (sizeof kInserts / sizeof *kInserts)]);
    }
  }
  return text;
}

TEST_CASE("the hand-written lexer gives StrataLexer's tokens on every program here",
          "[syntax][lexer]") {
  std::vector<std::string> programs = RepositoryPrograms();
  REQUIRE(programs.size() >= 100);
  for (const std::string& text : programs)
    for (bool keep_comments : {false, true}) {
      std::string difference = Difference(text, keep_comments);
      INFO(Escaped(text));
      CHECK(difference == "");
    }
}

TEST_CASE("the hand-written lexer gives StrataLexer's tokens on edge cases", "[syntax][lexer]") {
  for (const std::string& text : kEdgeCases)
    for (bool keep_comments : {false, true}) {
      INFO(Escaped(text) << " keep_comments=" << keep_comments);
      CHECK(Difference(text, keep_comments) == "");
    }
}

TEST_CASE("the hand-written lexer gives StrataLexer's tokens on random and mutated input",
          "[syntax][lexer]") {
  std::mt19937 random(14);
  std::vector<std::string> programs = RepositoryPrograms();
  size_t failures = 0;
  auto check = [&](const std::string& text, bool keep_comments) {
    std::string difference = Difference(text, keep_comments);
    if (difference.empty() || ++failures > 5) return;
    INFO(Escaped(text) << " keep_comments=" << keep_comments);
    CHECK(difference == "");
  };
  for (int i = 0; i < 4000; ++i) check(RandomBytes(random), i % 2 == 0);
  for (int i = 0; i < 3000; ++i)
    check(Mutated(programs[random() % programs.size()], random), i % 2 == 0);
  CHECK(failures == 0);
}

TEST_CASE("TokenStream walks the tokens as CommonTokenStream does", "[syntax][lexer]") {
  std::mt19937 random(7);
  std::vector<std::string> programs = RepositoryPrograms();
  size_t failures = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string text =
        i % 3 == 0 ? RandomBytes(random) : Mutated(programs[random() % programs.size()], random);
    std::string difference = StreamDifference(text, random);
    if (difference.empty() || ++failures > 5) continue;
    INFO(Escaped(text));
    CHECK(difference == "");
  }
  CHECK(failures == 0);
}

TEST_CASE("the parser builds the same tree and errors over either token stream",
          "[syntax][lexer]") {
  std::mt19937 random(11);
  std::vector<std::string> programs = RepositoryPrograms();
  size_t failures = 0;
  auto check = [&](const std::string& text) {
    std::string difference = ParseDifference(text);
    if (difference.empty() || ++failures > 3) return;
    INFO(Escaped(text));
    CHECK(difference == "");
  };
  for (const std::string& text : programs) check(text);
  for (int i = 0; i < 600; ++i) check(Mutated(programs[random() % programs.size()], random));
  for (int i = 0; i < 600; ++i) check(RandomBytes(random));
  CHECK(failures == 0);
}

}  // namespace
}  // namespace strata::syntax
