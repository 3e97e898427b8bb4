// The type checker's public interface: Hindley–Milner inference over modules and expressions.
//
// Errors go to the DiagnosticEngine (never thrown); a failed expression gets the error type,
// which unifies with everything, so one mistake gives one message. docs/types.md describes the
// type system for users.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/syntax/ast.h"

namespace strata::syntax {
class ModuleLoader;
struct Module;
}  // namespace strata::syntax

namespace strata::types {

class Type;  // opaque outside compiler/types

// "List String", "{ name :: String; ... } -> Stage"; type variables print as a, b, c...
std::string ToString(const Type* type);
// The result type of a function type (what a program of `{ ... }: body` gives once its
// arguments are applied); any other type is returned as is.
const Type* FunctionResult(const Type* type);

// One field of a record type, for a language server's completion after `.`.
struct RecordFieldInfo {
  std::string name;
  const Type* type;
  bool optional;
};
// The fields of a record type in source order (empty for any other type).
std::vector<RecordFieldInfo> RecordFields(const Type* type);
// True when `type` is still an unsolved type variable (its fields are not known).
bool IsTypeVariable(const Type* type);

class CheckRecorder;

enum class ArgKind { kString, kInt, kBool, kOther };

// One field of the record pattern a program's value takes (`{ version ? "dev" }: ...`).
struct ArgumentInfo {
  std::string name;
  ArgKind kind;
  std::string type_text;
  bool has_default;
};

class CheckerImpl;

class Checker {
 public:
  Checker(syntax::ModuleLoader& loader, diag::DiagnosticEngine& diags);
  ~Checker();
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  // Checks the module and its imports, each once; returns the module's generalized type
  // (the error type when it has errors). Null module gives null.
  const Type* CheckModule(const syntax::Module* module);
  // Checks `expr` with `self` bound to `self_type` (a type CheckModule returned), for
  // `strata eval EXPR`.
  const Type* CheckWithSelf(const ast::Expr* expr, const Type* self_type);
  // When the module's value is a function of a record pattern: its fields in source order,
  // with kinds from their declared or inferred types; else empty. Checks the module if needed.
  std::vector<ArgumentInfo> Arguments(const syntax::Module* module);
  bool IsFunctionOfRecordPattern(const syntax::Module* module);

  // Reports what inference learns to `recorder` (null: nothing, the default); see
  // check_recorder.h.
  void set_recorder(CheckRecorder* recorder);
  // Drops the check of `module` (it is being edited): the next CheckModule of the module
  // that replaces it infers again. Modules that imported it must be forgotten too.
  void Forget(const syntax::Module* module);

  // What the checker keeps per checked module (its scheme, and the scheme by its type for
  // CheckWithSelf): a long-lived checker (the language server's) must not grow with edits.
  struct CacheSizes {
    size_t modules;
    size_t types;
  };
  CacheSizes cache_sizes() const;

 private:
  std::unique_ptr<CheckerImpl> impl_;
};

}  // namespace strata::types
