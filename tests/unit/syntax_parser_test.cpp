// Tests of the parser: precedence, desugaring, strings, paths, errors and hostile input.
#include <catch2/catch.hpp>
#include <random>
#include <sstream>
#include <string>

#include "compiler/syntax/ast_print.h"
#include "compiler/syntax/module_loader.h"
#include "compiler/syntax/parser.h"

namespace strata::syntax {
namespace {

struct Parsed {
  std::string ast;
  std::string errors;
  const ast::Expr* root;
};

Parsed ParseText(const std::string& text, const std::string& name = "/proj/build.strata") {
  static diag::SourceManager* sources = new diag::SourceManager();
  static ast::Arena* arena = new ast::Arena();
  diag::DiagnosticEngine diags;
  diag::FileId file = sources->AddBuffer(name, text);
  const ast::Expr* root = Parse(*sources, file, *arena, diags);
  std::ostringstream out;
  PrintAst(out, root);
  return {out.str(), diags.Format(*sources), root};
}

// The AST on one line, for compact expectations.
std::string Flat(const std::string& text) {
  Parsed parsed = ParseText(text);
  INFO(parsed.errors);
  REQUIRE(parsed.errors.empty());
  // Each line break and the indentation after it become one space.
  std::string flat;
  const std::string& ast = parsed.ast;
  for (size_t i = 0; i < ast.size(); ++i) {
    if (ast[i] != '\n') {
      flat += ast[i];
      continue;
    }
    while (i + 1 < ast.size() && ast[i + 1] == ' ') ++i;
    if (i + 1 < ast.size()) flat += ' ';
  }
  return flat;
}

std::string Errors(const std::string& text) { return ParseText(text).errors; }

TEST_CASE("operators follow Nix precedence", "[syntax]") {
  CHECK(Flat("1 + 2 * 3") == "(+ (int 1) (* (int 2) (int 3)))");
  CHECK(Flat("1 - 2 - 3") == "(- (- (int 1) (int 2)) (int 3))");
  CHECK(Flat("a ++ b ++ c") == "(++ (var a) (++ (var b) (var c)))");
  CHECK(Flat("a // b // c") == "(// (var a) (// (var b) (var c)))");
  CHECK(Flat("a -> b -> c") == "(-> (var a) (-> (var b) (var c)))");
  CHECK(Flat("! a + b") == "(not (+ (var a) (var b)))");
  CHECK(Flat("! a // b") == "(// (not (var a)) (var b))");
  CHECK(Flat("- f x") == "(neg (apply (var f) (var x)))");
  CHECK(Flat("- a ? b") == "(has b (neg (var a)))");
  CHECK(Flat("a == b && c < d || e") ==
        "(|| (&& (== (var a) (var b)) (< (var c) (var d))) (var e))");
  CHECK(Flat("f r.a or 1") == "(apply (var f) (select a (var r) (or (int 1))))");
  CHECK(Flat("[ r.a r.b ]") == "(list (select a (var r)) (select b (var r)))");
  CHECK(Flat("x / 2") == "(/ (var x) (int 2))");
  CHECK(Flat("-5") == "(int -5)");
  CHECK(Flat("-9223372036854775808") == "(int -9223372036854775808)");
}

TEST_CASE("pipelines are applications, lowest precedence, inside lambda bodies", "[syntax]") {
  CHECK(Flat("x |> f |> g a") == "(apply (apply (var g) (var a)) (apply (var f) (var x)))");
  CHECK(Flat("a + 1 |> f") == "(apply (var f) (+ (var a) (int 1)))");
  CHECK(Flat("x: x |> f") == "(lambda x (apply (var f) (var x)))");
}

TEST_CASE("dotted keys and literal records merge", "[syntax]") {
  CHECK(Flat("{ a.b = 1; a.c = 2; }") ==
        "(record (field a (record (field b (int 1)) (field c (int 2)))))");
  CHECK(Flat("{ a = { b = 1; }; a.c = 2; }") ==
        "(record (field a (record (field b (int 1)) (field c (int 2)))))");
  CHECK(Flat("let a.b = 1; in a") == "(let (binding a (record (field b (int 1)))) (var a))");
  CHECK(Flat("{ \"a-b\" = 1; }") == "(record (field \"a-b\" (int 1)))");
}

TEST_CASE("duplicates are reported with a note at the first definition", "[syntax]") {
  std::string errors = Errors("{ a.b = 1; a.b = 2; }");
  CHECK(errors.find("1:14: error: duplicate attribute 'a.b'") != std::string::npos);
  CHECK(errors.find("1:5: note: 'a.b' first defined here") != std::string::npos);
  CHECK(Errors("let x = 1; x = 2; in x").find("duplicate let binding 'x'") != std::string::npos);
  CHECK(Errors("{ a, a }: a").find("duplicate pattern field 'a'") != std::string::npos);
  CHECK(Errors("{ a = 1; a.b = 2; }").find("duplicate attribute 'a'") != std::string::npos);
}

TEST_CASE("inherit in lets and records", "[syntax]") {
  CHECK(Flat("let inherit x; in x") == "(let (binding x inherited (var x)) (var x))");
  CHECK(Flat("let inherit (r) x y; in x") ==
        "(let (binding x (select x (var r))) (binding y (select y (var r))) (var x))");
  CHECK(Flat("{ inherit a; }") == "(record (field a (var a)))");
}

TEST_CASE("lambdas, patterns and annotations", "[syntax]") {
  CHECK(Flat("{ a, b ? 1, ... }@args: a") ==
        "(lambda (pattern @args ... (field a) (field b (int 1))) (var a))");
  CHECK(Flat("args@{ n :: Int ? 3 }: n") ==
        "(lambda (pattern @args (field n :: Int (int 3))) (var n))");
  CHECK(Flat("{ }: 1") == "(lambda (pattern) (int 1))");
  CHECK(Flat("let f :: List a -> Int = g; in f") ==
        "(let (binding f :: List a -> Int (var g)) (var f))");
  CHECK(Flat("(x :: { a :: Int; ... })") == "(annotated { a :: Int; ... } (var x))");
  CHECK(Flat("if a then b else c") == "(if (var a) (var b) (var c))");
  CHECK(Flat("assert a; b") == "(assert (var a) (var b))");
}

TEST_CASE("strings: escapes, interpolation and dollars", "[syntax]") {
  CHECK(Flat(R"("a\n\t\"\\\${x}")") == R"((string "a\n\t\"\\${x}"))");
  CHECK(Flat(R"("cost: $5 ${x}$")") == R"((string "cost: $5 " (var x) "$"))");
  CHECK(Flat(R"("")") == R"((string ""))");
}

TEST_CASE("indented strings strip the least indentation", "[syntax]") {
  CHECK(Flat("''\n    a\n      b\n  ''") == R"((string "a\n  b\n"))");
  CHECK(Flat("''\n  x ${y}\n\n  z''") == R"((string "x " (var y) "\n\nz"))");
  CHECK(Flat("'' '''x ''${x} ''\\n''") == R"((string "''x ${x} \n"))");
}

// The resolved path of a path literal or import (PrintAst shows them relative to the cwd).
std::string ResolvedPath(const std::string& text) {
  const ast::Expr* root = ParseText(text).root;
  if (const auto* path = llvm::dyn_cast<ast::PathLit>(root)) return std::string(path->path);
  if (const auto* import = llvm::dyn_cast<ast::Import>(root)) return std::string(import->path);
  return "<not a path>";
}

TEST_CASE("paths resolve against the file's directory; imports are static", "[syntax]") {
  CHECK(ResolvedPath("./x/../y") == "/proj/y");
  CHECK(ResolvedPath("./.") == "/proj");
  CHECK(ResolvedPath("../lib") == "/lib");
  CHECK(ResolvedPath("sub/dir") == "/proj/sub/dir");
  CHECK(ResolvedPath("/abs/./x") == "/abs/x");
  CHECK(ResolvedPath("import ./dir") == "/proj/dir");
  CHECK(ResolvedPath("import <std/go>") == "std/go");
  CHECK(Flat("import <std/go> { }") == "(apply (import <std/go>) (record))");
  CHECK(Flat("a/b").find("(path ") == 0);
  CHECK(Errors("import foo").find("import takes a path literal") != std::string::npos);
}

TEST_CASE("syntax errors are readable, placed, and one per mistake", "[syntax]") {
  CHECK(Errors("let a = ; in a") ==
        "/proj/build.strata:1:9: error: unexpected ';', expected an expression\n"
        "  let a = ; in a\n"
        "          ^\n");
  CHECK(Errors("let a = 1 in a").find("1:10: error: expected ';' before 'in'") !=
        std::string::npos);
  std::string unterminated = Errors("let\n  y = \"abc;\nin y\n");
  CHECK(unterminated.find("2:7: error: unterminated string") != std::string::npos);
  CHECK(unterminated.find("end of file") == std::string::npos);
  CHECK(Errors("a /* never closed").find("1:3: error: unterminated comment") != std::string::npos);
  CHECK(Errors("''\n abc").find("1:1: error: unterminated string") != std::string::npos);
  CHECK(Errors("a ` b").find("unexpected character '`'") != std::string::npos);
  CHECK(Errors("99999999999999999999").find("integer literal is too large") != std::string::npos);
  CHECK(Errors("r.\"${x}\"").find("interpolated attribute names are not supported") !=
        std::string::npos);
  CHECK(Errors("with x; y").find("'with' is not supported") != std::string::npos);
  Parsed two = ParseText("{ a = ; b = 1; c = ; }");
  CHECK(two.errors.find("1:7:") != std::string::npos);
  CHECK(two.errors.find("1:20:") != std::string::npos);
  CHECK(two.errors.find("1:10:") == std::string::npos);
}

TEST_CASE("deep nesting gives a diagnostic, not a crash", "[syntax]") {
  const std::string kTooDeep = "nested too deeply";
  auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  CHECK(Errors(repeat("(", 10000) + "1" + repeat(")", 10000)).find(kTooDeep) != std::string::npos);
  CHECK(Errors(repeat("[", 10000) + repeat("]", 10000)).find(kTooDeep) != std::string::npos);
  CHECK(Errors(repeat("{ a = ", 10000) + "1" + repeat("; }", 10000)).find(kTooDeep) !=
        std::string::npos);
  CHECK(Errors(repeat("let a = 1; in ", 10000) + "a").find(kTooDeep) != std::string::npos);
  CHECK(Errors(repeat("x: ", 10000) + "x").find(kTooDeep) != std::string::npos);
  CHECK(Errors(repeat("(", 1000000)).find(kTooDeep) != std::string::npos);
  CHECK(Errors(repeat("-", 1000000) + "1").find(kTooDeep) != std::string::npos);
  // Within the limit it parses; an operator chain is one level however long.
  CHECK(Errors(repeat("(", 500) + "1" + repeat(")", 500)).empty());
  CHECK(Errors("0" + repeat(" + 1", 10000)).empty());
  CHECK(Errors("0" + repeat(" |> f", 10000)).empty());
}

TEST_CASE("hostile input never crashes", "[syntax]") {
  std::mt19937 random(1234);
  for (int round = 0; round < 20; ++round) {
    std::string bytes(20000, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
    Parsed parsed = ParseText(bytes, "random.strata");
    CHECK(parsed.root != nullptr);
    CHECK(parsed.errors.find("internal error") == std::string::npos);
  }
  std::string long_line(1 << 20, 'a');
  CHECK(ParseText(long_line).errors.empty());
  CHECK(!ParseText("\"" + std::string(1 << 20, 'x')).errors.empty());
  CHECK(!ParseText(std::string("\xff\xfe\x00 \xc3", 5)).errors.empty());
}

TEST_CASE("ParseType reads builtin signatures", "[syntax]") {
  diag::SourceManager sources;
  ast::Arena arena;
  diag::DiagnosticEngine diags;
  auto type_of = [&](const std::string& text) {
    return TypeToString(ParseType(sources, sources.AddBuffer("<sig>", text), arena, diags));
  };
  CHECK(type_of("(a -> b) -> List a -> List b") == "(a -> b) -> List a -> List b");
  CHECK(type_of("{ url :: String; sha256 :: String } -> Artifact") ==
        "{ url :: String; sha256 :: String } -> Artifact");
  CHECK(type_of("List (List Int)") == "List (List Int)");
  CHECK(!diags.has_errors());
  type_of("List");
  CHECK(diags.has_errors());
}

TEST_CASE("module loader caches imports and reports missing ones at the import", "[syntax]") {
  diag::SourceManager sources;
  ast::Arena arena;
  diag::DiagnosticEngine diags;
  ModuleLoader loader(sources, arena, diags,
                      [](std::string_view name) -> std::optional<std::string_view> {
                        if (name == "lists") return std::string_view("{ id = x: x; }");
                        return std::nullopt;
                      });
  const Module* main =
      loader.LoadBuffer("/nonexistent/main.strata",
                        "[ (import <std/lists>) (import <std/lists>) (import ./missing) ]");
  const auto* list = llvm::cast<ast::List>(main->root);
  const Module* a = loader.LoadImport(llvm::cast<ast::Import>(list->elements[0]));
  const Module* b = loader.LoadImport(llvm::cast<ast::Import>(list->elements[1]));
  REQUIRE(a != nullptr);
  CHECK(a == b);
  CHECK(sources.Name(a->file) == "<std/lists>");
  CHECK(loader.LoadImport(llvm::cast<ast::Import>(list->elements[2])) == nullptr);
  INFO(diags.Format(sources));
  CHECK(diags.Format(sources).find(
            "main.strata:1:46: error: cannot import './missing': no such file") !=
        std::string::npos);
  CHECK(loader.LoadEntry("/nonexistent/dir") == nullptr);
  CHECK(diags.Format(sources).find("cannot read /nonexistent/dir: ") != std::string::npos);
}

}  // namespace
}  // namespace strata::syntax
