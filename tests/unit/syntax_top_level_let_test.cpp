// Tests of the per-binding parse of a top-level let: it builds exactly the AST (every field and
// range) and reports exactly the diagnostics of the whole-tree parse, and steps aside on errors.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/syntax/ast_codec.h"
#include "compiler/syntax/ast_print.h"
#include "compiler/syntax/parser.h"
#include "compiler/syntax/top_level_let.h"

namespace strata::syntax {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct Parsed {
  std::string printed;
  std::string encoded;  // every field and range
  std::string diagnostics;
};

Parsed ParseWith(const std::string& name, const std::string& text, LetParsing mode) {
  diag::SourceManager sources;
  ast::Arena arena;
  diag::DiagnosticEngine diags;
  diag::FileId file = sources.AddBuffer(name, text);
  const ast::Expr* root = Parse(sources, file, arena, diags, mode);
  std::ostringstream printed;
  PrintAst(printed, root);
  return {printed.str(), EncodeAst(root, file).value_or("(not encodable)"), diags.Format(sources)};
}

// Whether the fast path takes `text` on (true) or leaves it to the ordinary parse.
bool FastPathTakes(const std::string& text) {
  diag::SourceManager sources;
  ast::Arena arena;
  diag::FileId file = sources.AddBuffer("/proj/build.strata", text);
  return ParseTopLevelLet(sources, file, arena) != nullptr;
}

TEST_CASE("per-binding and whole-tree parses agree on every program in the repository",
          "[parser][let]") {
  std::vector<std::pair<std::string, std::string>> inputs;
  for (const char* dir : {"tests/golden", "examples", "stdlib", "tests/integration"}) {
    fs::path root = fs::path(STRATA_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root))
      if (entry.path().extension() == ".strata")
        inputs.emplace_back(entry.path().string(), ReadFile(entry.path()));
  }
  REQUIRE(inputs.size() > 100);
  size_t taken = 0;
  for (const auto& [name, text] : inputs) {
    INFO(name);
    Parsed fast = ParseWith(name, text, LetParsing::kPerBinding);
    Parsed whole = ParseWith(name, text, LetParsing::kWholeTree);
    CHECK(fast.diagnostics == whole.diagnostics);
    CHECK(fast.printed == whole.printed);
    CHECK(fast.encoded == whole.encoded);
    taken += FastPathTakes(text);
  }
  // The corpus exercises the fast path itself, not only the fallback.
  CHECK(taken > 20);
}

TEST_CASE("the per-binding parse merges dotted keys and keeps annotations like the whole tree",
          "[parser][let]") {
  std::string text = R"(# a comment before the let
let
  a.b = 1;
  a.c = "x${toString a.b}";
  r = { p = 1; };
  r.q = 2;
  inherit (r) p;
  f :: Int -> Int = x: x + 1;
  n = { x, y ? 2, ... }@all: x;
in { default = a // r; v = f p; } // { w = [ 1 2 ]; }
)";
  CHECK(FastPathTakes(text));
  Parsed fast = ParseWith("/proj/build.strata", text, LetParsing::kPerBinding);
  Parsed whole = ParseWith("/proj/build.strata", text, LetParsing::kWholeTree);
  CHECK(fast.diagnostics.empty());
  CHECK(fast.printed == whole.printed);
  CHECK(fast.encoded == whole.encoded);
}

TEST_CASE("anything to report leaves the file to the whole-tree parse, with its messages",
          "[parser][let]") {
  const std::vector<std::string> cases{
      "let a = 1; a = 2; in a",           // duplicate binding
      "let a = 1 in a",                   // missing ';'
      "let a = 1; in",                    // no body
      "let a = 1; in a b )",              // trailing junk
      "let a = \"open; in a",             // unterminated string
      "let a = 1; /* open",               // unterminated comment
      "let a = with b; c; in a",          // unsupported construct
      "let a = { \"${x}\" = 1; }; in a",  // interpolated attribute name
      "let a = 1;",                       // no `in`
      "let in 1",                         // no bindings: taken, and fine
  };
  for (const std::string& text : cases) {
    INFO(text);
    Parsed fast = ParseWith("/proj/build.strata", text, LetParsing::kPerBinding);
    Parsed whole = ParseWith("/proj/build.strata", text, LetParsing::kWholeTree);
    CHECK(fast.diagnostics == whole.diagnostics);
    CHECK(fast.printed == whole.printed);
    CHECK(fast.encoded == whole.encoded);
    CHECK(FastPathTakes(text) == whole.diagnostics.empty());
  }
  CHECK_FALSE(FastPathTakes("{ a = 1; }"));  // not a let
}

TEST_CASE("a large generated let parses the same both ways", "[parser][let]") {
  std::string text = "let\n  mk = name: { n = name; s = \"/src/${name}\"; };\n";
  for (int i = 0; i < 2000; ++i)
    text += "  t" + std::to_string(i) + " = mk \"t" + std::to_string(i) + "\";\n";
  text += "in { default = [ t0 t1999 ]; }\n";
  CHECK(FastPathTakes(text));
  Parsed fast = ParseWith("/proj/build.strata", text, LetParsing::kPerBinding);
  Parsed whole = ParseWith("/proj/build.strata", text, LetParsing::kWholeTree);
  CHECK(fast.diagnostics.empty());
  CHECK(fast.encoded == whole.encoded);
}

}  // namespace
}  // namespace strata::syntax
