// Checker tests on parsed source: the public API, imports, cycles and the stdlib.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "compiler/syntax/module_loader.h"
#include "compiler/types/checker.h"
#include "stdlib/embedded.h"

namespace strata::types {
namespace {

struct Session {
  diag::SourceManager sources;
  ast::Arena arena;
  diag::DiagnosticEngine diags;
  syntax::ModuleLoader loader{sources, arena, diags,
                              [](std::string_view name) { return stdlib::Lookup(name); }};
  Checker checker{loader, diags};

  // The program's type, or "error: <first message>".
  std::string Check(const std::string& text) {
    const syntax::Module* module = loader.LoadBuffer("test.strata", text);
    if (diags.has_errors()) return "syntax error: " + diags.diagnostics()[0].message;
    const Type* type = checker.CheckModule(module);
    if (diags.has_errors()) return "error: " + diags.diagnostics()[0].message;
    return ToString(type);
  }
};

std::string CheckText(const std::string& text) {
  Session s;
  return s.Check(text);
}

TEST_CASE("source: inference on parsed programs", "[types]") {
  REQUIRE(CheckText("let id = x: x; in [ (id 1) (id 2) ]") == "List Int");
  REQUIRE(CheckText("let a = id 1; b = id \"s\"; id = x: x; in { inherit a b; }") ==
          "{ a :: Int; b :: String }");
  REQUIRE(CheckText("let applyTwice = f: f 1 2; in applyTwice (a: b: a + b)") == "Int");
  REQUIRE(CheckText("let add = a: b: a + b; in [ (add \"a\" \"b\") ]") == "List String");
  REQUIRE(CheckText("let add = a: b: a + b; in add true false") ==
          "error: in this use of 'add': '+' works on Int or String, not on Bool");
  REQUIRE(CheckText("let f = { b ? 1 }: b; in f { }") == "Int");
  REQUIRE(CheckText("r: r.name") == "{ name :: a; ... } -> a");
  REQUIRE(CheckText("(image \"alpine\" |> run \"make\") / \"/out\"") == "Artifact");
  REQUIRE(CheckText("{ a = 1; } // { a = \"x\"; }") == "{ a :: String }");
  REQUIRE(CheckText("scratch |> run 1") ==
          "error: argument 1 of 'run' has type Int, expected String");
}

TEST_CASE("source: arguments of a function of a record pattern", "[types]") {
  Session s;
  const syntax::Module* module =
      s.loader.LoadBuffer("args.strata",
                          "{ version ? \"dev\", jobs ? 4, debug ? false, name, ... }: "
                          "image \"alpine:${version}\" |> run \"make -j${toString jobs} ${name}\"");
  REQUIRE(s.checker.CheckModule(module) != nullptr);
  REQUIRE_FALSE(s.diags.has_errors());
  REQUIRE(s.checker.IsFunctionOfRecordPattern(module));
  std::vector<ArgumentInfo> args = s.checker.Arguments(module);
  REQUIRE(args.size() == 4);
  REQUIRE(args[0].name == "version");
  REQUIRE(args[0].kind == ArgKind::kString);
  REQUIRE(args[0].has_default);
  REQUIRE(args[1].kind == ArgKind::kInt);
  REQUIRE(args[2].kind == ArgKind::kBool);
  REQUIRE(args[2].type_text == "Bool");
  REQUIRE(args[3].name == "name");
  REQUIRE_FALSE(args[3].has_default);
  const syntax::Module* plain = s.loader.LoadBuffer("plain.strata", "scratch");
  REQUIRE_FALSE(s.checker.IsFunctionOfRecordPattern(plain));
  REQUIRE(s.checker.Arguments(plain).empty());
}

TEST_CASE("source: eval expressions see self", "[types]") {
  Session s;
  const syntax::Module* module =
      s.loader.LoadBuffer("m.strata", "{ app = scratch; add = a: b: a + b; }");
  const Type* type = s.checker.CheckModule(module);
  const syntax::Module* expr = s.loader.LoadBuffer("<expr>", "[ (self.add 1 2) ]");
  REQUIRE(ToString(s.checker.CheckWithSelf(expr->root, type)) == "List Int");
  REQUIRE_FALSE(s.diags.has_errors());
}

TEST_CASE("source: forgetting a module frees what the checker kept for it", "[types]") {
  Session s;
  const syntax::Module* lib = s.loader.LoadBuffer("lib.strata", "{ id = x: x; }");
  // Two modules with errors: both have the error type, one pointer (types are interned).
  const syntax::Module* bad1 = s.loader.LoadBuffer("bad1.strata", "1 + true");
  const syntax::Module* bad2 = s.loader.LoadBuffer("bad2.strata", "missing");
  const Type* lib_type = s.checker.CheckModule(lib);
  const Type* bad_type = s.checker.CheckModule(bad1);
  REQUIRE(s.checker.CheckModule(bad2) == bad_type);
  REQUIRE(s.checker.cache_sizes().modules == 3);
  REQUIRE(s.checker.cache_sizes().types == 2);

  s.checker.Forget(lib);
  REQUIRE(s.checker.cache_sizes().modules == 2);
  REQUIRE(s.checker.cache_sizes().types == 1);
  // The shared type's entry is bad2's (checked last); forgetting bad2 hands it to bad1.
  s.checker.Forget(bad2);
  REQUIRE(s.checker.cache_sizes().modules == 1);
  REQUIRE(s.checker.cache_sizes().types == 1);
  s.checker.Forget(bad1);
  s.checker.Forget(bad1);  // twice: nothing left to drop
  REQUIRE(s.checker.cache_sizes().modules == 0);
  REQUIRE(s.checker.cache_sizes().types == 0);

  // Checked again, the module is generalized as before: `self.id` is polymorphic.
  const Type* again = s.checker.CheckModule(lib);
  REQUIRE(ToString(again) == ToString(lib_type));
  REQUIRE(s.checker.cache_sizes().types == 1);
  size_t errors = s.diags.error_count();
  const syntax::Module* expr =
      s.loader.LoadBuffer("<expr>", "{ a = self.id 1; b = self.id \"s\"; }");
  REQUIRE(ToString(s.checker.CheckWithSelf(expr->root, again)) == "{ a :: Int; b :: String }");
  REQUIRE(s.diags.error_count() == errors);
}

TEST_CASE("source: imports are checked once, cycles are reported", "[types]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("strata-types-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto write = [&](const char* name, const char* text) { std::ofstream(dir / name) << text; };
  write("lib.strata", "{ id = x: x; }");
  write("main.strata",
        "let lib = import ./lib.strata; in [ (lib.id 1) ((import ./lib.strata).id 2) ]");
  write("a.strata", "import ./b.strata");
  write("b.strata", "import ./a.strata");
  {
    Session s;
    const syntax::Module* main = s.loader.LoadEntry((dir / "main.strata").string());
    REQUIRE(ToString(s.checker.CheckModule(main)) == "List Int");
  }
  {
    Session s;
    s.checker.CheckModule(s.loader.LoadEntry((dir / "a.strata").string()));
    REQUIRE(s.diags.error_count() == 1);
    REQUIRE(s.diags.diagnostics()[0].message == "import cycle: a.strata -> b.strata -> a.strata");
  }
  fs::remove_all(dir);
}

TEST_CASE("source: stdlib modules type-check", "[types]") {
  for (std::string_view name : stdlib::Names()) {
    Session s;
    std::string text = "import <std/" + std::string(name) + ">";
    INFO(name);
    REQUIRE(s.Check(text).rfind("error", 0) != 0);
  }
}

}  // namespace
}  // namespace strata::types
