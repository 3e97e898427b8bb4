// The Strata AST: immutable, arena-allocated nodes with a source range on every node.
//
// The parser (parser.h) builds it once from ANTLR's parse tree and drops that tree. Sugar is
// removed while building: `x |> f` is `Apply(f, [x])`, dotted keys are merged into nested
// records, indented strings are stripped, escapes are decoded. Nodes carry a Kind tag so that
// llvm::isa / dyn_cast work on them.
#pragma once

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Allocator.h>
#include <llvm/Support/Casting.h>

#include <cstdint>
#include <string_view>

#include "compiler/diag/source.h"
#include "compiler/syntax/symbol.h"

namespace strata::ast {

using diag::SourceRange;
using syntax::Symbol;

// ---- Type annotations (`x :: List String`) ----

enum class TypeKind : uint8_t { kNamed, kVar, kList, kFunction, kRecord, kError };

class TypeExpr {
 public:
  TypeKind kind() const { return kind_; }
  SourceRange range() const { return range_; }

 protected:
  TypeExpr(TypeKind kind, SourceRange range) : kind_(kind), range_(range) {}

 private:
  TypeKind kind_;
  SourceRange range_;
};

// Int, Bool, String, Stage, Artifact (capitalised names).
class NamedType : public TypeExpr {
 public:
  NamedType(SourceRange range, Symbol name) : TypeExpr(TypeKind::kNamed, range), name(name) {}
  static bool classof(const TypeExpr* t) { return t->kind() == TypeKind::kNamed; }
  Symbol name;
};

// A type variable (a lowercase name): `a -> a`.
class VarType : public TypeExpr {
 public:
  VarType(SourceRange range, Symbol name) : TypeExpr(TypeKind::kVar, range), name(name) {}
  static bool classof(const TypeExpr* t) { return t->kind() == TypeKind::kVar; }
  Symbol name;
};

class ListType : public TypeExpr {
 public:
  ListType(SourceRange range, const TypeExpr* element)
      : TypeExpr(TypeKind::kList, range), element(element) {}
  static bool classof(const TypeExpr* t) { return t->kind() == TypeKind::kList; }
  const TypeExpr* element;
};

class FunctionType : public TypeExpr {
 public:
  FunctionType(SourceRange range, const TypeExpr* param, const TypeExpr* result)
      : TypeExpr(TypeKind::kFunction, range), param(param), result(result) {}
  static bool classof(const TypeExpr* t) { return t->kind() == TypeKind::kFunction; }
  const TypeExpr* param;
  const TypeExpr* result;
};

struct RecordTypeField {
  Symbol name;
  SourceRange name_range;
  const TypeExpr* type;
};

// `{ name :: String; port :: Int; ... }`; `open` when it ends in `...` (row polymorphic).
class RecordType : public TypeExpr {
 public:
  RecordType(SourceRange range, llvm::ArrayRef<RecordTypeField> fields, bool open)
      : TypeExpr(TypeKind::kRecord, range), fields(fields), open(open) {}
  static bool classof(const TypeExpr* t) { return t->kind() == TypeKind::kRecord; }
  llvm::ArrayRef<RecordTypeField> fields;
  bool open;
};

class ErrorType : public TypeExpr {
 public:
  explicit ErrorType(SourceRange range) : TypeExpr(TypeKind::kError, range) {}
  static bool classof(const TypeExpr* t) { return t->kind() == TypeKind::kError; }
};

// ---- Expressions ----

enum class Kind : uint8_t {
  kInt,
  kBool,
  kString,
  kPath,
  kVar,
  kRecord,
  kList,
  kLambda,
  kApply,
  kLet,
  kIf,
  kAssert,
  kSelect,
  kHasAttr,
  kBinary,
  kUnary,
  kImport,
  kAnnotated,
  kError,
};

class Expr {
 public:
  Kind kind() const { return kind_; }
  SourceRange range() const { return range_; }

 protected:
  Expr(Kind kind, SourceRange range) : kind_(kind), range_(range) {}

 private:
  Kind kind_;
  SourceRange range_;
};

class IntLit : public Expr {
 public:
  IntLit(SourceRange range, int64_t value) : Expr(Kind::kInt, range), value(value) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kInt; }
  int64_t value;
};

// `true` / `false`.
class BoolLit : public Expr {
 public:
  BoolLit(SourceRange range, bool value) : Expr(Kind::kBool, range), value(value) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kBool; }
  bool value;
};

// One piece of a string: decoded text, or an interpolated expression (`expr` non-null).
struct StringPart {
  std::string_view text;
  const Expr* expr = nullptr;
};

// A string, plain or indented, after escapes are decoded and indentation is stripped.
// Adjacent text parts are merged; no parts means "".
class StringLit : public Expr {
 public:
  StringLit(SourceRange range, llvm::ArrayRef<StringPart> parts)
      : Expr(Kind::kString, range), parts(parts) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kString; }
  // True when the string has no interpolation (then parts has at most one text part).
  bool is_constant() const {
    for (const StringPart& p : parts)
      if (p.expr) return false;
    return true;
  }
  llvm::ArrayRef<StringPart> parts;
};

// A path literal `./src`, `../x`, `/abs`: a local source Artifact. `path` is absolute and
// normalised (resolved against the directory of the file it appears in); `written` is the text.
class PathLit : public Expr {
 public:
  PathLit(SourceRange range, std::string_view path, std::string_view written)
      : Expr(Kind::kPath, range), path(path), written(written) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kPath; }
  std::string_view path;
  std::string_view written;
};

// A name; resolved by scope in the checker and the evaluator (scoping is static).
class Var : public Expr {
 public:
  Var(SourceRange range, Symbol name) : Expr(Kind::kVar, range), name(name) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kVar; }
  Symbol name;
};

// A record field after desugaring: dotted keys `a.b = 1; a.c = 2;` become one field `a`
// whose value is a Record; `inherit a;` is `a = a;` and `inherit (r) a;` is `a = r.a;`.
struct Field {
  Symbol name;
  SourceRange name_range;
  const Expr* value;
};

// A record literal (not recursive: values see the enclosing scope only). Fields keep
// source order; names are unique (the parser reports duplicates).
class Record : public Expr {
 public:
  Record(SourceRange range, llvm::ArrayRef<Field> fields)
      : Expr(Kind::kRecord, range), fields(fields) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kRecord; }
  llvm::ArrayRef<Field> fields;
};

class List : public Expr {
 public:
  List(SourceRange range, llvm::ArrayRef<const Expr*> elements)
      : Expr(Kind::kList, range), elements(elements) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kList; }
  llvm::ArrayRef<const Expr*> elements;
};

struct PatternField {
  Symbol name;
  SourceRange name_range;
  const Expr* default_value = nullptr;   // `b ? 1`; may use other fields and outer names
  const TypeExpr* annotation = nullptr;  // `n :: Int ? 3`
};

// A record pattern `{ a, b ? 1, ... }` with an optional `@name` binding of the whole argument.
struct Pattern {
  SourceRange range;
  llvm::ArrayRef<PatternField> fields;
  bool ellipsis = false;
  Symbol as_name;  // empty when there is no `@`
};

// `x: body` (param non-empty, pattern null) or `{ ... }: body` (pattern non-null).
class Lambda : public Expr {
 public:
  Lambda(SourceRange range, Symbol param, SourceRange param_range, const Pattern* pattern,
         const Expr* body)
      : Expr(Kind::kLambda, range),
        param(param),
        param_range(param_range),
        pattern(pattern),
        body(body) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kLambda; }
  Symbol param;
  SourceRange param_range;
  const Pattern* pattern;
  const Expr* body;
};

// `f a b c` as one node with a flat argument list (application is left-associative:
// ((f a) b) c). `x |> f` is Apply(f, [x]).
class Apply : public Expr {
 public:
  Apply(SourceRange range, const Expr* fn, llvm::ArrayRef<const Expr*> args, bool pipe = false)
      : Expr(Kind::kApply, range), fn(fn), args(args), pipe(pipe) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kApply; }
  const Expr* fn;
  llvm::ArrayRef<const Expr*> args;
  bool pipe;  // Written `arg |> fn`: evaluated strictly, step by step (see Machine::EvalPipe).
};

// A let binding. `inherited` marks `inherit x;`: its value (a Var) is resolved in the scope
// outside the let, not in the let's own recursive scope.
struct Binding {
  Symbol name;
  SourceRange name_range;
  const Expr* value;
  const TypeExpr* annotation = nullptr;  // `x :: Int = 3;`
  bool inherited = false;
};

// A recursive let: every binding sees all bindings of the same let, and itself.
class Let : public Expr {
 public:
  Let(SourceRange range, llvm::ArrayRef<Binding> bindings, const Expr* body)
      : Expr(Kind::kLet, range), bindings(bindings), body(body) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kLet; }
  llvm::ArrayRef<Binding> bindings;
  const Expr* body;
};

class If : public Expr {
 public:
  If(SourceRange range, const Expr* cond, const Expr* then_branch, const Expr* else_branch)
      : Expr(Kind::kIf, range), cond(cond), then_branch(then_branch), else_branch(else_branch) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kIf; }
  const Expr* cond;
  const Expr* then_branch;
  const Expr* else_branch;
};

class Assert : public Expr {
 public:
  Assert(SourceRange range, const Expr* cond, const Expr* body)
      : Expr(Kind::kAssert, range), cond(cond), body(body) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kAssert; }
  const Expr* cond;
  const Expr* body;
};

struct AttrName {
  Symbol name;
  SourceRange range;
};

// `e.a.b` or `e.a.b or fallback`.
class Select : public Expr {
 public:
  Select(SourceRange range, const Expr* target, llvm::ArrayRef<AttrName> path, const Expr* fallback)
      : Expr(Kind::kSelect, range), target(target), path(path), fallback(fallback) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kSelect; }
  const Expr* target;
  llvm::ArrayRef<AttrName> path;
  const Expr* fallback;  // null without `or`
};

// `e ? a.b`: false when any step is missing.
class HasAttr : public Expr {
 public:
  HasAttr(SourceRange range, const Expr* target, llvm::ArrayRef<AttrName> path)
      : Expr(Kind::kHasAttr, range), target(target), path(path) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kHasAttr; }
  const Expr* target;
  llvm::ArrayRef<AttrName> path;
};

enum class BinaryOp : uint8_t {
  kAdd,     // +  Int or String
  kSub,     // -
  kMul,     // *
  kDiv,     // /  Int division, or artifact selection (Stage|Artifact / String)
  kConcat,  // ++ lists
  kUpdate,  // // records, right wins
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
  kImpl,  // ->
};

// The operator's spelling, for diagnostics and printing.
const char* Spelling(BinaryOp op);

class Binary : public Expr {
 public:
  Binary(SourceRange range, BinaryOp op, SourceRange op_range, const Expr* lhs, const Expr* rhs)
      : Expr(Kind::kBinary, range), op(op), op_range(op_range), lhs(lhs), rhs(rhs) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kBinary; }
  BinaryOp op;
  SourceRange op_range;
  const Expr* lhs;
  const Expr* rhs;
};

enum class UnaryOp : uint8_t { kNot, kNeg };

class Unary : public Expr {
 public:
  Unary(SourceRange range, UnaryOp op, const Expr* operand)
      : Expr(Kind::kUnary, range), op(op), operand(operand) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kUnary; }
  UnaryOp op;
  const Expr* operand;
};

// `import ./x.strata`, `import ./dir` (its build.strata), `import //libs/base` (a workspace
// package) or `import <std/go>`. Imports are static: the target is known at parse time, so the
// checker checks each file once. `path` is the absolute path as written and resolved against
// the importing file's folder (the loader turns a directory into DIR/build.strata), the label
// as written (`//libs/base`; no resolved path starts with `//`), or the stdlib name (`std/go`).
class Import : public Expr {
 public:
  Import(SourceRange range, std::string_view path, bool stdlib)
      : Expr(Kind::kImport, range), path(path), stdlib(stdlib) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kImport; }
  std::string_view path;
  bool stdlib;
};

// `(e :: T)`.
class Annotated : public Expr {
 public:
  Annotated(SourceRange range, const Expr* expr, const TypeExpr* type)
      : Expr(Kind::kAnnotated, range), expr(expr), type(type) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kAnnotated; }
  const Expr* expr;
  const TypeExpr* type;
};

// Stands where a syntax error was reported; later phases accept it silently.
class ErrorExpr : public Expr {
 public:
  explicit ErrorExpr(SourceRange range) : Expr(Kind::kError, range) {}
  static bool classof(const Expr* e) { return e->kind() == Kind::kError; }
};

// Owns every node of one or more files. Nodes are trivially destructible: the arena frees
// memory without running destructors.
class Arena {
 public:
  template <typename T, typename... Args>
  const T* New(Args&&... args) {
    return new (allocator_.Allocate<T>()) T(std::forward<Args>(args)...);
  }
  template <typename T>
  llvm::ArrayRef<T> Copy(llvm::ArrayRef<T> items) {
    if (items.empty()) return {};
    T* data = allocator_.Allocate<T>(items.size());
    std::uninitialized_copy(items.begin(), items.end(), data);
    return llvm::ArrayRef<T>(data, items.size());
  }
  std::string_view Copy(std::string_view text) {
    if (text.empty()) return {};
    char* data = allocator_.Allocate<char>(text.size());
    std::copy(text.begin(), text.end(), data);
    return std::string_view(data, text.size());
  }
  size_t bytes_allocated() const { return allocator_.getBytesAllocated(); }

 private:
  llvm::BumpPtrAllocator allocator_;
};

}  // namespace strata::ast
