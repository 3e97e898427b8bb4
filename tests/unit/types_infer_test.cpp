// Unit tests of inference on hand-built ASTs: let-polymorphism, SCCs, overloads, rows, patterns.
#include <catch2/catch.hpp>
#include <initializer_list>
#include <utility>
#include <vector>

#include "compiler/types/builtin_types.h"
#include "compiler/types/checker.h"
#include "compiler/types/infer.h"

namespace strata::types {
namespace {

// Builds AST nodes with distinct fake ranges (file 1), so diagnostics can be told apart.
class Builder {
 public:
  const ast::Expr* Int(int64_t v) { return arena.New<ast::IntLit>(R(), v); }
  const ast::Expr* Bool(bool v) { return arena.New<ast::BoolLit>(R(), v); }
  const ast::Expr* Str(std::string_view text) {
    ast::StringPart part{arena.Copy(text), nullptr};
    return arena.New<ast::StringLit>(R(), arena.Copy(llvm::ArrayRef<ast::StringPart>(part)));
  }
  const ast::Expr* Interp(const ast::Expr* e) {
    ast::StringPart parts[] = {{"x", nullptr}, {{}, e}};
    return arena.New<ast::StringLit>(R(), arena.Copy(llvm::ArrayRef<ast::StringPart>(parts)));
  }
  const ast::Expr* V(const char* name) { return arena.New<ast::Var>(R(), Symbol::Intern(name)); }
  const ast::Expr* Lam(const char* param, const ast::Expr* body) {
    return arena.New<ast::Lambda>(R(), Symbol::Intern(param), R(), nullptr, body);
  }
  const ast::Expr* Pat(std::initializer_list<std::pair<const char*, const ast::Expr*>> fields,
                       bool ellipsis, const ast::Expr* body) {
    std::vector<ast::PatternField> pf;
    for (auto& [name, def] : fields) pf.push_back({Symbol::Intern(name), R(), def, nullptr});
    auto* pattern = arena.New<ast::Pattern>(
        ast::Pattern{R(), arena.Copy(llvm::ArrayRef<ast::PatternField>(pf)), ellipsis, {}});
    return arena.New<ast::Lambda>(R(), Symbol(), R(), pattern, body);
  }
  const ast::Expr* App(const ast::Expr* fn, std::initializer_list<const ast::Expr*> args) {
    return arena.New<ast::Apply>(R(), fn, arena.Copy(llvm::ArrayRef<const ast::Expr*>(args)));
  }
  const ast::Expr* Let(std::initializer_list<std::pair<const char*, const ast::Expr*>> bindings,
                       const ast::Expr* body) {
    std::vector<ast::Binding> bs;
    for (auto& [name, value] : bindings) bs.push_back({Symbol::Intern(name), R(), value});
    return arena.New<ast::Let>(R(), arena.Copy(llvm::ArrayRef<ast::Binding>(bs)), body);
  }
  const ast::Expr* Rec(std::initializer_list<std::pair<const char*, const ast::Expr*>> fields) {
    std::vector<ast::Field> fs;
    for (auto& [name, value] : fields) fs.push_back({Symbol::Intern(name), R(), value});
    return arena.New<ast::Record>(R(), arena.Copy(llvm::ArrayRef<ast::Field>(fs)));
  }
  const ast::Expr* List(std::initializer_list<const ast::Expr*> items) {
    return arena.New<ast::List>(R(), arena.Copy(llvm::ArrayRef<const ast::Expr*>(items)));
  }
  const ast::Expr* Sel(const ast::Expr* e, const char* name, const ast::Expr* fallback = nullptr) {
    ast::AttrName attr{Symbol::Intern(name), R()};
    return arena.New<ast::Select>(R(), e, arena.Copy(llvm::ArrayRef<ast::AttrName>(attr)),
                                  fallback);
  }
  const ast::Expr* Bin(ast::BinaryOp op, const ast::Expr* l, const ast::Expr* r) {
    return arena.New<ast::Binary>(R(), op, R(), l, r);
  }
  const ast::Expr* If(const ast::Expr* c, const ast::Expr* t, const ast::Expr* e) {
    return arena.New<ast::If>(R(), c, t, e);
  }

  ast::Arena arena;

 private:
  diag::SourceRange R() {
    offset_ += 2;
    return {1, offset_, offset_ + 1};
  }
  uint32_t offset_ = 0;
};

// Infers an expression with the builtins in scope; returns its printed type ("" on errors).
struct Fixture {
  Fixture() : inferencer(context, diags, nullptr) {
    for (const BuiltinSignature& b : BuiltinSignatures()) {
      Type* t = ParseSignature(context, b.signature);
      inferencer.Define(Symbol::Intern(b.name), inferencer.NewScheme(t, t->has_vars()));
    }
  }
  std::string Check(const ast::Expr* e) {
    const Scheme* scheme = inferencer.InferTopLevel(e);
    return diags.has_errors() ? "" : ToString(scheme->type);
  }
  std::string FirstError() const {
    return diags.diagnostics().empty() ? "" : diags.diagnostics()[0].message;
  }

  Builder b;
  TypeContext context;
  diag::DiagnosticEngine diags;
  Inferencer inferencer;
};

using Op = ast::BinaryOp;

TEST_CASE("infer: let-polymorphism", "[types]") {
  Fixture f;
  Builder& b = f.b;
  // let id = x: x; in [ (id 1) ] ++ [ (stringLength (id "a")) ]
  auto* e = b.Let({{"id", b.Lam("x", b.V("x"))}},
                  b.Bin(Op::kConcat, b.List({b.App(b.V("id"), {b.Int(1)})}),
                        b.List({b.App(b.V("stringLength"), {b.App(b.V("id"), {b.Str("a")})})})));
  REQUIRE(f.Check(e) == "List Int");
}

TEST_CASE("infer: lambda parameters stay monomorphic", "[types]") {
  Fixture f;
  Builder& b = f.b;
  // f: [ (f 1) (f "a") ] is an error
  auto* e = b.Lam("f", b.List({b.App(b.V("f"), {b.Int(1)}), b.App(b.V("f"), {b.Str("a")})}));
  REQUIRE(f.Check(e).empty());
  REQUIRE(f.FirstError() == "argument 1 of 'f' has type String, expected Int");
}

TEST_CASE("infer: SCC order lets id be used at two types in one let", "[types]") {
  Fixture f;
  Builder& b = f.b;
  // let a = id 1; s = id "x"; id = x: x; in { inherit a s; }
  auto* e = b.Let({{"a", b.App(b.V("id"), {b.Int(1)})},
                   {"s", b.App(b.V("id"), {b.Str("x")})},
                   {"id", b.Lam("x", b.V("x"))}},
                  b.Rec({{"a", b.V("a")}, {"s", b.V("s")}}));
  REQUIRE(f.Check(e) == "{ a :: Int; s :: String }");
}

TEST_CASE("infer: mutual recursion", "[types]") {
  Fixture f;
  Builder& b = f.b;
  // let even = n: if n == 0 then true else odd (n - 1); odd = n: if n == 0 then false else even (n
  // - 1); in even
  auto* even = b.Lam("n", b.If(b.Bin(Op::kEq, b.V("n"), b.Int(0)), b.Bool(true),
                               b.App(b.V("odd"), {b.Bin(Op::kSub, b.V("n"), b.Int(1))})));
  auto* odd = b.Lam("n", b.If(b.Bin(Op::kEq, b.V("n"), b.Int(0)), b.Bool(false),
                              b.App(b.V("even"), {b.Bin(Op::kSub, b.V("n"), b.Int(1))})));
  REQUIRE(f.Check(b.Let({{"even", even}, {"odd", odd}}, b.V("even"))) == "Int -> Bool");
}

TEST_CASE("infer: '+' is resolved later (applyTwice)", "[types]") {
  Fixture f;
  Builder& b = f.b;
  // let applyTwice = g: g 1 2; in applyTwice (a: c: a + c)
  auto* e = b.Let(
      {{"applyTwice", b.Lam("g", b.App(b.V("g"), {b.Int(1), b.Int(2)}))}},
      b.App(b.V("applyTwice"), {b.Lam("a", b.Lam("c", b.Bin(Op::kAdd, b.V("a"), b.V("c"))))}));
  REQUIRE(f.Check(e) == "Int");
}

TEST_CASE("infer: a let-bound '+' keeps its predicate in the scheme", "[types]") {
  Fixture f;
  Builder& b = f.b;
  auto add = [&] { return b.Lam("a", b.Lam("c", b.Bin(Op::kAdd, b.V("a"), b.V("c")))); };
  SECTION("Int and String uses") {
    auto* e = b.Let({{"add", add()}}, b.Rec({{"i", b.App(b.V("add"), {b.Int(1), b.Int(2)})},
                                             {"s", b.App(b.V("add"), {b.Str("a"), b.Str("b")})}}));
    REQUIRE(f.Check(e) == "{ i :: Int; s :: String }");
  }
  SECTION("a Bool use is an error at the use") {
    auto* e = b.Let({{"add", add()}}, b.App(b.V("add"), {b.Bool(true), b.Bool(false)}));
    REQUIRE(f.Check(e).empty());
    REQUIRE(f.diags.error_count() == 1);
    REQUIRE(f.FirstError() == "in this use of 'add': '+' works on Int or String, not on Bool");
  }
  SECTION("the polymorphic function itself is fine") { REQUIRE(f.Check(add()) == "a -> a -> a"); }
}

TEST_CASE("infer: '/' selects artifacts or divides", "[types]") {
  Fixture f;
  Builder& b = f.b;
  auto* e = b.Rec({{"art", b.Bin(Op::kDiv, b.V("scratch"), b.Str("/out"))},
                   {"num", b.Bin(Op::kDiv, b.Int(7), b.Int(2))},
                   {"later", b.Lam("s", b.App(b.V("copy"), {b.Bin(Op::kDiv, b.V("s"), b.Str("/x")),
                                                            b.Str("/y"), b.V("scratch")}))}});
  // `s` stays ambiguous between Stage and Artifact: the predicate stays in the scheme.
  REQUIRE(f.Check(e) == "{ art :: Artifact; later :: a -> Stage; num :: Int }");
}

TEST_CASE("infer: rows let a function read any record with the field", "[types]") {
  Fixture f;
  Builder& b = f.b;
  // let getName = r: r.name; in [ (getName { name = "a"; }) (getName { name = "b"; port = 1; }) ]
  auto* e =
      b.Let({{"getName", b.Lam("r", b.Sel(b.V("r"), "name"))}},
            b.List({b.App(b.V("getName"), {b.Rec({{"name", b.Str("a")}})}),
                    b.App(b.V("getName"), {b.Rec({{"name", b.Str("b")}, {"port", b.Int(1)}})})}));
  REQUIRE(f.Check(e) == "List String");
}

TEST_CASE("infer: missing field lists the record's fields", "[types]") {
  Fixture f;
  Builder& b = f.b;
  auto* e = b.Sel(b.Rec({{"name", b.Str("a")}, {"port", b.Int(1)}}), "nmae");
  REQUIRE(f.Check(e).empty());
  REQUIRE(f.FirstError() == "record has no field 'nmae'; it has: name, port");
}

TEST_CASE("infer: select with 'or' default", "[types]") {
  Fixture f;
  Builder& b = f.b;
  REQUIRE(f.Check(b.Sel(b.Rec({{"a", b.Int(1)}}), "b", b.Int(2))) == "Int");
  REQUIRE(f.Check(b.Lam("r", b.Sel(b.V("r"), "port", b.Int(80)))) ==
          "{ port? :: Int; ... } -> Int");
}

TEST_CASE("infer: record patterns with defaults and optional fields", "[types]") {
  Fixture f;
  Builder& b = f.b;
  // let g = { a, c ? a + 1 }: c; in [ (g { a = 1; }) (g { a = 1; c = 2; }) ]
  auto* g = b.Pat({{"a", nullptr}, {"c", b.Bin(Op::kAdd, b.V("a"), b.Int(1))}}, false, b.V("c"));
  auto* e =
      b.Let({{"g", g}}, b.List({b.App(b.V("g"), {b.Rec({{"a", b.Int(1)}})}),
                                b.App(b.V("g"), {b.Rec({{"a", b.Int(1)}, {"c", b.Int(2)}})})}));
  REQUIRE(f.Check(e) == "List Int");
  Fixture f2;
  auto* only_default = f2.b.Pat({{"x", f2.b.Int(1)}}, false, f2.b.V("x"));
  REQUIRE(f2.Check(f2.b.App(only_default, {f2.b.Rec({})})) == "Int");
}

TEST_CASE("infer: closed patterns reject unknown fields, '...' accepts them", "[types]") {
  Fixture f;
  Builder& b = f.b;
  auto* closed = b.Pat({{"a", nullptr}}, false, b.V("a"));
  REQUIRE(f.Check(b.App(closed, {b.Rec({{"a", b.Int(1)}, {"z", b.Int(2)}})})).empty());
  REQUIRE(f.FirstError() == "argument 1 of the function has an unexpected field 'z'");
  Fixture f2;
  auto* open = f2.b.Pat({{"a", nullptr}}, true, f2.b.V("a"));
  REQUIRE(f2.Check(f2.b.App(open, {f2.b.Rec({{"a", f2.b.Int(1)}, {"z", f2.b.Int(2)}})})) == "Int");
}

TEST_CASE("infer: builtin option records", "[types]") {
  Fixture f;
  Builder& b = f.b;
  auto* ok = b.App(b.V("runWith"), {b.Rec({{"cache", b.List({b.Str("/root/.cache")})}}),
                                    b.Str("make"), b.V("scratch")});
  REQUIRE(f.Check(ok) == "Stage");
  Fixture f2;
  auto* bad = f2.b.App(f2.b.V("runWith"), {f2.b.Rec({{"cache", f2.b.Str("/c")}}), f2.b.Str("make"),
                                           f2.b.V("scratch")});
  REQUIRE(f2.Check(bad).empty());
  // A record literal argument: the error is about its field.
  REQUIRE(f2.FirstError().find(
              "field 'cache' of argument 1 of 'runWith' has type String, expected List String") !=
          std::string::npos);
}

TEST_CASE("infer: record update", "[types]") {
  Fixture f;
  Builder& b = f.b;
  auto* e =
      b.Bin(Op::kUpdate, b.Rec({{"a", b.Int(1)}, {"b", b.Int(2)}}), b.Rec({{"b", b.Str("x")}}));
  REQUIRE(f.Check(e) == "{ a :: Int; b :: String }");
  Fixture f2;
  auto* g = f2.b.Lam("r", f2.b.Bin(Op::kUpdate, f2.b.V("r"), f2.b.Rec({{"x", f2.b.Int(1)}})));
  REQUIRE(f2.Check(g) == "{ ... } -> { x :: Int; ... }");
}

TEST_CASE("infer: diagnostics", "[types]") {
  SECTION("unbound variable suggests a close name") {
    Fixture f;
    auto* e = f.b.Let({{"version", f.b.Str("1")}}, f.b.V("verison"));
    REQUIRE(f.Check(e).empty());
    REQUIRE(f.FirstError() == "unbound variable 'verison'; did you mean 'version'?");
  }
  SECTION("run with an Int") {
    Fixture f;
    REQUIRE(f.Check(f.b.App(f.b.V("run"), {f.b.Int(1), f.b.V("scratch")})).empty());
    REQUIRE(f.FirstError() == "argument 1 of 'run' has type Int, expected String");
  }
  SECTION("too many arguments") {
    Fixture f;
    auto* e =
        f.b.Let({{"g", f.b.Lam("x", f.b.V("x"))}}, f.b.App(f.b.V("g"), {f.b.Int(1), f.b.Int(2)}));
    REQUIRE(f.Check(e).empty());
    REQUIRE(f.FirstError() == "'g' takes 1 argument but is given 2");
  }
  SECTION("a required field is missing") {
    Fixture f;
    REQUIRE(f.Check(f.b.App(f.b.V("fetch"), {f.b.Rec({{"url", f.b.Str("u")}})})).empty());
    REQUIRE(f.FirstError() == "argument 1 of 'fetch' has no field 'sha256', which is required");
  }
  SECTION("a misspelt option") {
    Fixture f;
    auto* opts = f.b.Rec({{"netwrk", f.b.Bool(true)}});
    REQUIRE(f.Check(f.b.App(f.b.V("runWith"), {opts, f.b.Str("x"), f.b.V("scratch")})).empty());
    REQUIRE(f.FirstError() ==
            "argument 1 of 'runWith' has an unexpected field 'netwrk'; did you mean 'network'?");
  }
  SECTION("if branches") {
    Fixture f;
    REQUIRE(f.Check(f.b.If(f.b.Bool(true), f.b.Int(1), f.b.Str("a"))).empty());
    REQUIRE(f.FirstError() ==
            "the branches of 'if' have different types: 'then' is Int, 'else' is String");
  }
  SECTION("one mistake gives one message") {
    Fixture f;
    // (undefined 1) + 2 ++ ... : the error type absorbs what follows.
    auto* e = f.b.App(
        f.b.V("run"),
        {f.b.Bin(Op::kAdd, f.b.App(f.b.V("nope"), {f.b.Int(1)}), f.b.Int(2)), f.b.V("scratch")});
    REQUIRE(f.Check(e).empty());
    REQUIRE(f.diags.error_count() == 1);
  }
  SECTION("every failing binding is reported") {
    Fixture f;
    auto* e = f.b.Let({{"x", f.b.App(f.b.V("run"), {f.b.Int(1), f.b.V("scratch")})},
                       {"y", f.b.App(f.b.V("image"), {f.b.Int(2)})}},
                      f.b.Int(0));
    REQUIRE(f.Check(e).empty());
    REQUIRE(f.diags.error_count() == 2);
  }
  SECTION("interpolating an Int") {
    Fixture f;
    REQUIRE(f.Check(f.b.Interp(f.b.Int(1))).empty());
    REQUIRE(f.FirstError() == "interpolated value has type Int, expected String");
  }
}

}  // namespace
}  // namespace strata::types
