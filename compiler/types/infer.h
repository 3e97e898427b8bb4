// Type inference for one module's expressions: Algorithm J with levels, SCC-ordered let
// generalization and deferred operator constraints.
#pragma once

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallVector.h>

#include <functional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/syntax/ast.h"
#include "compiler/types/check_recorder.h"
#include "compiler/types/predicate.h"
#include "compiler/types/type.h"
#include "compiler/types/unify.h"

namespace strata::types {

// A type with its quantified variables (those at kGenericLevel) and the predicates on them.
struct Scheme {
  Type* type = nullptr;
  llvm::ArrayRef<Predicate*> predicates;
  bool poly = false;  // false: a monomorphic type, used as is
};

// The unbound variables of a type.
void CollectVars(Type* type, llvm::SmallVectorImpl<TypeVar*>& out);
// The unbound variables of a type that are not inside a record's field (a record's open tail
// is exposed): a predicate on those alone belongs to fields, and waits for one to be used.
void CollectExposedVars(Type* type, llvm::SmallVectorImpl<TypeVar*>& out);

// Resolves an import to the imported module's scheme; null when it failed (already reported).
using ImportHandler = std::function<const Scheme*(const ast::Import*)>;

class Inferencer {
 public:
  Inferencer(TypeContext& context, diag::DiagnosticEngine& diags, ImportHandler imports);

  // Makes `name` visible (builtins, `self`); bindings made here are never removed.
  void Define(Symbol name, const Scheme* scheme);
  // Infers `expr` as a let binding would be: generalized, with its predicates.
  const Scheme* InferTopLevel(const ast::Expr* expr);
  // Infers without generalizing (for `strata eval EXPR`), then defaults what is ambiguous.
  Type* InferMonomorphic(const ast::Expr* expr);

  Scheme* NewScheme(Type* type, bool poly);
  // Reports types, bindings and uses to `recorder` (null: nothing is recorded).
  void set_recorder(CheckRecorder* recorder) { recorder_ = recorder; }

 private:
  Type* Infer(const ast::Expr* expr);
  // Infers `expr` knowing the type it should have: list literals check each element against
  // the expected element type instead of against each other, so a list of option records
  // may set different optional fields. The caller still unifies the result with `expected`.
  Type* InferExpecting(const ast::Expr* expr, Type* expected);
  Type* InferString(const ast::StringLit* e);
  Type* InferVar(const ast::Var* e);
  Type* InferRecord(const ast::Record* e);
  Type* InferList(const ast::List* e);
  Type* InferLambda(const ast::Lambda* e);
  Type* InferApply(const ast::Apply* e);
  Type* InferLet(const ast::Let* e);
  Type* InferIf(const ast::If* e);
  Type* InferSelect(const ast::Select* e);
  Type* InferBinary(const ast::Binary* e);
  Type* InferUnary(const ast::Unary* e);
  Type* InferAnnotated(const ast::Annotated* e);

  // Unifies and reports "<what> has type F, expected E" (or "type mismatch: ...") at `range`.
  // When `source` is a record literal and the mismatch is inside one of its fields, the error
  // points at that field and a note names `what` at `range`.
  bool Expect(Type* expected, Type* found, diag::SourceRange range, const std::string& what,
              const ast::Expr* source = nullptr);
  // Unifies without reporting; runs woken predicates.
  bool UnifyQuiet(Type* expected, Type* found);
  void RunWoken();

  // Scopes.
  void Push(Symbol name, const Scheme* scheme);
  void Pop(Symbol name);
  const Scheme* Lookup(Symbol name) const;
  std::string Suggest(Symbol name) const;

  // Schemes.
  Type* Instantiate(const Scheme* scheme, diag::SourceRange use, Symbol via);
  Type* Copy(Type* type, llvm::DenseMap<TypeVar*, Type*>& fresh);
  // Marks variables above the current level as generic; true if any.
  bool Generalize(Type* type);
  // Moves pending predicates on generic variables into the given schemes and defaults those
  // on variables nothing outside can reach.
  void SettlePredicates(llvm::ArrayRef<Scheme*> schemes);
  Type* FromAnnotation(const ast::TypeExpr* type, llvm::DenseMap<const void*, Type*>& vars);

  // Predicates (infer_ops.cpp).
  void AddPredicate(PredicateKind kind, Type* lhs, Type* rhs, Type* result, diag::SourceRange range,
                    Symbol via, bool dormant = false);
  // Wakes the dormant predicates on `type`'s exposed variables (a field was selected).
  void Activate(Type* type);
  void Solve(Predicate* p);
  void Wait(Predicate* p, Type* type);
  void Default(Predicate* p);
  void ReportOperator(Predicate* p, const std::string& message);
  void SolveUpdate(Predicate* p);

  TypeContext& context_;
  diag::DiagnosticEngine& diags_;
  ImportHandler imports_;
  CheckRecorder* recorder_ = nullptr;
  Unifier unifier_;
  int level_ = 0;
  int depth_ = 0;
  bool running_woken_ = false;
  llvm::DenseMap<const void*, llvm::SmallVector<const Scheme*, 1>> scopes_;
  std::vector<Predicate*> pending_;
  const Predicate* defaulting_ = nullptr;  // the predicate Default() is resolving, for messages
};

}  // namespace strata::types
