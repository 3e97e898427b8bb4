// Checks that a generated 10,000-target program type-checks quickly (the monorepo case).
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "compiler/types/builtin_types.h"
#include "compiler/types/checker.h"
#include "compiler/types/infer.h"

namespace strata::types {
namespace {

constexpr int kTargets = 10000;

// let shared = { name, base ? "alpine" }: let builder = image base |> run "make ${name}"; in
//   scratch |> copy (builder / "/out/${name}") "/app";
//     t0 = shared { name = "t0"; }; ... in { inherit t0 ...; }
const ast::Expr* BuildProgram(ast::Arena& arena) {
  uint32_t offset = 0;
  auto r = [&] { return diag::SourceRange{1, offset, ++offset}; };
  auto sym = [](const std::string& s) { return Symbol::Intern(s); };
  auto var = [&](const char* n) { return arena.New<ast::Var>(r(), sym(n)); };
  auto str = [&](std::string_view text, const ast::Expr* e = nullptr) -> const ast::Expr* {
    std::vector<ast::StringPart> parts{{arena.Copy(text), nullptr}};
    if (e) parts.push_back({{}, e});
    return arena.New<ast::StringLit>(r(), arena.Copy(llvm::ArrayRef<ast::StringPart>(parts)));
  };
  auto app = [&](const ast::Expr* fn, std::vector<const ast::Expr*> args) {
    return arena.New<ast::Apply>(r(), fn, arena.Copy(llvm::ArrayRef<const ast::Expr*>(args)));
  };
  const ast::Expr* builder =
      app(var("run"), {str("make ", var("name")), app(var("image"), {var("base")})});
  const ast::Expr* artifact = arena.New<ast::Binary>(r(), ast::BinaryOp::kDiv, r(), var("builder"),
                                                     str("/out/", var("name")));
  const ast::Expr* final_stage = app(var("copy"), {artifact, str("/app"), var("scratch")});
  std::vector<ast::Binding> inner{{sym("builder"), r(), builder}};
  const ast::Expr* body =
      arena.New<ast::Let>(r(), arena.Copy(llvm::ArrayRef<ast::Binding>(inner)), final_stage);
  std::vector<ast::PatternField> fields{{sym("name"), r(), nullptr, nullptr},
                                        {sym("base"), r(), str("alpine"), nullptr}};
  auto* pattern = arena.New<ast::Pattern>(
      ast::Pattern{r(), arena.Copy(llvm::ArrayRef<ast::PatternField>(fields)), false, {}});
  const ast::Expr* shared = arena.New<ast::Lambda>(r(), Symbol(), r(), pattern, body);

  std::vector<ast::Binding> bindings{{sym("shared"), r(), shared}};
  std::vector<ast::Field> outputs;
  for (int i = 0; i < kTargets; ++i) {
    std::string name = "t" + std::to_string(i);
    std::vector<ast::Field> arg{{sym("name"), r(), str(arena.Copy(name))}};
    const ast::Expr* call = app(
        var("shared"), {arena.New<ast::Record>(r(), arena.Copy(llvm::ArrayRef<ast::Field>(arg)))});
    bindings.push_back({sym(name), r(), call});
    outputs.push_back({sym(name), r(), arena.New<ast::Var>(r(), sym(name))});
  }
  const ast::Expr* result =
      arena.New<ast::Record>(r(), arena.Copy(llvm::ArrayRef<ast::Field>(outputs)));
  return arena.New<ast::Let>(r(), arena.Copy(llvm::ArrayRef<ast::Binding>(bindings)), result);
}

TEST_CASE("types: 10,000 targets check quickly", "[types][perf]") {
  ast::Arena arena;
  const ast::Expr* program = BuildProgram(arena);
  TypeContext context;
  diag::DiagnosticEngine diags;
  Inferencer inferencer(context, diags, nullptr);
  for (const BuiltinSignature& b : BuiltinSignatures()) {
    Type* t = ParseSignature(context, b.signature);
    inferencer.Define(Symbol::Intern(b.name), inferencer.NewScheme(t, t->has_vars()));
  }
  auto start = std::chrono::steady_clock::now();
  const Scheme* scheme = inferencer.InferTopLevel(program);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO("checked in " << seconds << " s");
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(ToString(scheme->type).rfind("{ t0 :: Stage; t1 :: Stage;", 0) == 0);
  // The target is well under 0.5 s; the bound leaves room for a loaded CI machine.
  REQUIRE(seconds < 2.0);
  WARN("10,000 targets type-checked in " << seconds << " s");
}

}  // namespace
}  // namespace strata::types
