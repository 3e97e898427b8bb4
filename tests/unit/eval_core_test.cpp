// Evaluator semantics: laziness, memoisation, recursion, patterns, operators and errors.
#include <catch2/catch.hpp>

#include "compiler/support/large_stack.h"
#include "tests/unit/eval_fixture.h"

using strata::eval::testing::EvalFixture;

namespace {

std::string Run(const std::string& text) {
  EvalFixture f;
  return f.Run(text);
}

}  // namespace

TEST_CASE("eval: arithmetic and comparison", "[eval]") {
  CHECK(Run("1 + 2 * 3") == "7");
  CHECK(Run("7 / 2") == "3");
  CHECK(Run("(0 - 7) / 2") == "-3");  // truncates toward zero
  CHECK(Run("-7 / 2") == "-3");
  CHECK(Run("10 - 3 - 2") == "5");
  CHECK(Run("1 < 2 && \"a\" < \"b\" && !(2 <= 1)") == "true");
  CHECK(Run("false -> (1 / 0 == 1)") == "true");
  CHECK(Run("true || (1 / 0 == 1)") == "true");
  CHECK(Run("\"ab\" + \"cd\"") == "\"abcd\"");
}

TEST_CASE("eval: integer errors are diagnostics", "[eval]") {
  CHECK(Run("1 / (2 - 2)") == "error: division by zero");
  CHECK_THAT(Run("9223372036854775807 + 1"), Catch::StartsWith("error: integer overflow"));
  CHECK_THAT(Run("4611686018427387904 * 4"), Catch::StartsWith("error: integer overflow"));
}

TEST_CASE("eval: strings print with escapes and interpolate", "[eval]") {
  CHECK(Run("let x = \"b\"; in \"a${x}c\"") == "\"abc\"");
  CHECK(Run("\"q\\\"\\n\\t\\\\ $ \\${x}\"") == "\"q\\\"\\n\\t\\\\ $ \\${x}\"");
  CHECK_THAT(Run("\"n = ${1}\""), Catch::Contains("toString"));
}

TEST_CASE("eval: records and lists print sorted in Strata syntax", "[eval]") {
  CHECK(Run("{ b = [ 1 \"x\" true ]; a = { }; c = [ ]; }") ==
        "{ a = { }; b = [ 1 \"x\" true ]; c = [ ]; }");
  CHECK(Run("{ f = x: x; }") == "{ f = <function>; }");
  CHECK(Run("{ a.b = 1; a.c = 2; }") == "{ a = { b = 1; c = 2; }; }");
}

TEST_CASE("eval: let is recursive, mutual recursion works", "[eval]") {
  CHECK(Run("let fact = n: if n == 0 then 1 else n * fact (n - 1); in fact 10") == "3628800");
  CHECK(Run("let even = n: if n == 0 then true else odd (n - 1); odd = n: if n == 0 then false "
            "else even (n - 1); in "
            "[ (even 10) (odd 7) (even 3) ]") == "[ true true false ]");
  CHECK(Run("let x = 1; in let y = x + 1; x = 10; in y") == "11");  // inner x shadows
}

TEST_CASE("eval: inherit reads the outer scope", "[eval]") {
  CHECK(Run("let x = 1; in let inherit x; y = x + 1; in y") == "2");
  CHECK(Run("let r = { a = 1; b = 2; }; in { inherit (r) a b; c = 3; }") ==
        "{ a = 1; b = 2; c = 3; }");
  CHECK(Run("let v = 5; in { inherit v; }") == "{ v = 5; }");
}

TEST_CASE("eval: unused values are never evaluated", "[eval][lazy]") {
  CHECK(Run("let x = abort \"boom\"; in 1") == "1");
  CHECK(Run("length [ (abort \"a\") (abort \"b\") ]") == "2");
  CHECK(Run("{ a = abort \"x\"; } ? a") == "true");
  CHECK(Run("hasAttr \"a\" { a = abort \"x\"; }") == "true");
  CHECK(Run("attrNames { b = abort \"x\"; a = 1; }") == "[ \"a\" \"b\" ]");
  CHECK(Run("length (map (x: abort \"never\") [ 1 2 3 ])") == "3");
  CHECK(Run("({ a, b ? abort \"unused default\" }: a) { a = 1; }") == "1");
  CHECK(Run("head [ 1 (abort \"tail\") ]") == "1");
  CHECK(Run("if true then 1 else abort \"else\"") == "1");
}

TEST_CASE("eval: thunks are memoised", "[eval][lazy]") {
  // Without sharing, t40 would take 2^40 additions.
  std::string program = "let t0 = 1;";
  for (int i = 1; i <= 40; ++i)
    program += " t" + std::to_string(i) + " = t" + std::to_string(i - 1) + " + t" +
               std::to_string(i - 1) + ";";
  program += " in t40";
  CHECK(Run(program) == "1099511627776");
  // Elements of a mapped list are shared too.
  CHECK(Run("let xs = map (x: x * 2) [ 1 2 ]; ys = [ (head xs) (head xs) ]; in ys") == "[ 2 2 ]");
}

TEST_CASE("eval: infinite recursion is an error at the expression", "[eval]") {
  CHECK_THAT(Run("let x = x + 1; in x"), Catch::Contains("infinite recursion"));
  CHECK_THAT(Run("let r = { a = r.a; }; in r.a"), Catch::Contains("infinite recursion"));
  EvalFixture f;
  f.Run("let\n  x = y;\n  y = x;\nin x");
  CHECK_THAT(f.Formatted(), Catch::Contains(":2:") || Catch::Contains(":3:"));
}

TEST_CASE("eval: deep recursion ends in a diagnostic", "[eval]") {
  const char* count = "let f = n: if n == 0 then 0 else 1 + f (n - 1); in f ";
  CHECK(Run(std::string(count) + "2000") == "2000");
  CHECK_THAT(Run(std::string(count) + "1000000"), Catch::Contains("evaluation too deep"));
  // An infinite loop with no black hole (a new thunk each time) hits the depth guard.
  CHECK_THAT(Run("let f = n: f (n + 1); in f 0"), Catch::Contains("evaluation too deep"));
  // A long fold is not deep: foldl is strict in its accumulator.
  CHECK(Run("foldl (acc: x: acc + x) 0 (range 1 100000)") == "5000050000");
}

TEST_CASE("eval: record patterns, defaults, @ and ...", "[eval]") {
  CHECK(Run("({ a, b ? a + 1, ... }: a + b) { a = 1; c = 3; }") == "3");
  CHECK(Run("let o = 5; in ({ a ? o }: a) { }") == "5");
  CHECK(Run("(r @ { a, ... }: r.c + a) { a = 1; c = 2; }") == "3");
  CHECK(Run("({ a, b ? 2 }: a * b) { a = 3; b = 4; }") == "12");
  CHECK(Run("({ }: 1) { }") == "1");
  CHECK_THAT(Run("({ a }: a) { }"), Catch::Contains("missing attribute 'a'"));
  CHECK_THAT(Run("({ a }: a) { a = 1; b = 2; }"), Catch::Contains("unexpected attribute 'b'"));
}

TEST_CASE("eval: update, has-attribute and or", "[eval]") {
  CHECK(Run("{ a = 1; b = 2; } // { b = \"x\"; c = 3; }") == "{ a = 1; b = \"x\"; c = 3; }");
  CHECK(Run("{ a.b = 1; } // { a.c = 2; }") == "{ a = { c = 2; }; }");  // shallow
  CHECK(Run("{ a.b = 1; } ? a.b") == "true");
  CHECK(Run("{ a.b = 1; } ? a.c") == "false");
  CHECK(Run("{ a = 1; } ? a.b") == "false");
  CHECK(Run("{ a = 1; }.b or 5") == "5");
  CHECK(Run("{ a.b = 2; }.a.b or 5") == "2");
  CHECK(Run("{ a = 1; }.a.b or 7") == "7");
}

TEST_CASE("eval: equality is structural", "[eval]") {
  CHECK(Run("{ a = [ 1 2 ]; b = \"x\"; } == { b = \"x\"; a = [ 1 2 ]; }") == "true");
  CHECK(Run("[ 1 ] == [ 1 2 ]") == "false");
  CHECK(Run("{ a = 1; } != { a = 2; }") == "true");
  CHECK(Run("{ a = 1; } == { b = 1; }") == "false");
  CHECK(Run("image \"alpine\" == image \"alpine\"") == "true");
}

TEST_CASE("eval: assert and abort report their text", "[eval]") {
  CHECK(Run("assert 1 > 2; 3") == "error: assertion failed: 1 > 2");
  CHECK(Run("assert 2 > 1; 3") == "3");
  CHECK(Run("abort \"no way\"") == "error: aborted: no way");
}

TEST_CASE("eval: a missing attribute names the available ones", "[eval]") {
  std::string out = Run("{ alpha = 1; beta = 2; }.gamma");
  CHECK_THAT(out, Catch::Contains("missing attribute 'gamma'"));
  CHECK_THAT(out, Catch::Contains("alpha, beta"));
}

TEST_CASE("eval: pipelines and the stdlib", "[eval]") {
  CHECK(Run("[ 1 2 3 ] |> map (x: x * x) |> foldl (a: b: a + b) 0") == "14");
  CHECK(Run("(import <std/lists>).sum [ 1 2 3 ]") == "6");
  CHECK(Run("let l = import <std/lists>; in [ (l.take 2 [ 1 2 3 ]) (l.drop 2 [ 1 2 3 ]) (l.reverse "
            "[ 1 2 ]) ]") == "[ [ 1 2 ] [ 3 ] [ 2 1 ] ]");
  CHECK(Run("let l = import <std/lists>; in [ (l.unique [ 1 2 1 3 2 ]) (l.elemAt [ 5 6 7 ] 1) "
            "(l.last [ 1 2 ]) ]") == "[ [ 1 2 3 ] 6 2 ]");
  CHECK(Run("let s = import <std/strings>; in [ (s.hasPrefix \"ab\" \"abc\") (s.hasSuffix \"bc\" "
            "\"abc\") "
            "(s.removePrefix \"a\" \"abc\") (s.removeSuffix \"c\" \"abc\") (s.join \", \" [ \"a\" "
            "\"b\" ]) ]") == "[ true true \"bc\" \"ab\" \"a, b\" ]");
  CHECK(Run("(import <std/strings>).escapeShellArg \"it's\"") == "\"'it'\\\\''s'\"");
}

TEST_CASE("eval: ApplyArguments checks the names", "[eval]") {
  EvalFixture f;
  auto fn = f.Eval("{ version ? \"dev\", name }: name + \"-\" + version");
  REQUIRE(fn);
  auto& ev = f.evaluator();
  auto ok = ev.ApplyArguments(*fn, {{"name", ev.MakeString("app")}});
  REQUIRE(ok);
  std::ostringstream out;
  REQUIRE(ev.Print(out, *ok));
  CHECK(out.str() == "\"app-dev\"");

  CHECK_FALSE(
      ev.ApplyArguments(*fn, {{"name", ev.MakeString("a")}, {"colour", ev.MakeString("x")}}));
  CHECK_THAT(f.FirstError(),
             Catch::Contains("unknown argument 'colour'") && Catch::Contains("version, name"));

  EvalFixture g;
  auto fn2 = g.Eval("{ version ? \"dev\", name }: name");
  REQUIRE(fn2);
  CHECK_FALSE(g.evaluator().ApplyArguments(*fn2, {}));
  CHECK_THAT(g.FirstError(), Catch::Contains("missing argument 'name'"));
}

TEST_CASE("eval: SelectPath and EvalWithSelf", "[eval]") {
  EvalFixture f;
  auto root = f.Eval("{ a.b = 1; c = 2; }");
  REQUIRE(root);
  auto& ev = f.evaluator();
  auto b = ev.SelectPath(*root, {"a", "b"});
  REQUIRE(b);
  CHECK(b->integer() == 1);
  CHECK_FALSE(ev.SelectPath(*root, {"zz"}));
  CHECK_THAT(f.FirstError(), Catch::Contains("no attribute 'zz'") && Catch::Contains("a, c"));

  const strata::syntax::Module* expr = f.loader().LoadBuffer("<expr>", "self.c + 40");
  REQUIRE(expr);
  auto v = ev.EvalWithSelf(expr->root, *root);
  REQUIRE(v);
  CHECK(v->integer() == 42);
}

TEST_CASE("eval: an error inside a function notes the call site", "[eval]") {
  EvalFixture f;
  CHECK(f.Run("let\n  check = n: assert n > 0; n;\nin check (0 - 1)") ==
        "error: assertion failed: n > 0");
  REQUIRE(f.diags().diagnostics().size() == 1);
  const auto& notes = f.diags().diagnostics()[0].notes;
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].message == "in this call");
  CHECK_THAT(f.Formatted(), Catch::Contains(":3:"));
}

TEST_CASE("eval: a 10,000-step pipeline and a 10,000-term + chain check and evaluate", "[eval]") {
  std::string pipe = "let inc = x: x + 1; in 0", plus = "0";
  for (int i = 0; i < 10000; ++i) pipe += " |> inc";
  for (int i = 1; i <= 10000; ++i) plus += " + " + std::to_string(i);
  std::string piped, summed;
  // As the CLI does: the checker walks the chain's spine recursively, on a large stack.
  strata::support::RunOnLargeStack([&] {
    piped = Run(pipe);
    summed = Run(plus);
  });
  CHECK(piped == "10000");
  CHECK(summed == "50005000");
}

TEST_CASE(
    "eval: a pipeline computes each step before the next; its start and failed steps stay lazy",
    "[eval]") {
  CHECK(Run("let r = { a = 1; }; in r |> (s: s // { b = 2; }) |> (s: s.a + s.b)") == "3");
  CHECK(Run("(1 / 0) |> (x: 5)") == "5");  // the first value is only forced when used
  CHECK(Run("let f = x: y: x + y; in 1 |> f 2 |> f 3") == "6");
  // A failed step's error is raised only where its result is used, as in `g (f x)`.
  CHECK(Run("1 |> (x: x / 0) |> (y: 7)") == "7");
  CHECK(Run("1 |> (abort \"unused\") |> (y: 7)") == "7");
  CHECK_THAT(Run("1 |> (x: x / 0) |> (y: y + 1) |> (z: z * 2)"),
             Catch::StartsWith("error: division by zero"));
}
