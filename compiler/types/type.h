// The checker's type representation: interned type constructors and union-find type variables.
//
// Compound types (List, functions, records) are hash-consed by the TypeContext, so two types
// built from the same parts are the same pointer. Type variables are mutable: unification links
// them (union-find); Resolve() follows the links. Record types are rows: sorted fields plus a
// tail that is the empty row (closed), a row variable (open) or another record (an extension
// made while unifying); Flatten() turns that chain into one sorted field list.
#pragma once

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/FoldingSet.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/Support/Allocator.h>
#include <llvm/Support/Casting.h>

#include <climits>
#include <cstdint>
#include <vector>

#include "compiler/syntax/symbol.h"

namespace strata::types {

using syntax::Symbol;

enum class TypeTag : uint8_t { kVar, kCon, kError, kList, kFunction, kRecord, kEmptyRow };

// The base types: Int Bool String Stage Artifact.
enum class BaseKind : uint8_t { kInt, kBool, kString, kStage, kArtifact };

struct Predicate;

class Type : public llvm::FoldingSetNode {
 public:
  TypeTag tag() const { return tag_; }
  // True when a type variable may occur inside (instantiation skips ground types).
  bool has_vars() const { return has_vars_; }

 protected:
  Type(TypeTag tag, bool has_vars) : tag_(tag), has_vars_(has_vars) {}

 private:
  TypeTag tag_;
  bool has_vars_;
};

// Level of generalized (quantified) variables in a scheme.
inline constexpr int kGenericLevel = INT_MAX;

class TypeVar : public Type {
 public:
  TypeVar(uint32_t id, int level, bool is_row)
      : Type(TypeTag::kVar, true), id(id), level(level), is_row(is_row) {}
  static bool classof(const Type* t) { return t->tag() == TypeTag::kVar; }

  uint32_t id;
  int level;
  bool is_row;           // stands for the rest of a record's fields
  Type* link = nullptr;  // set when unified with another type
  // Deferred constraints (overloaded operators, `//`) waiting for this variable to be bound.
  llvm::SmallVector<Predicate*, 1> waiting;
};

class BaseType : public Type {
 public:
  explicit BaseType(BaseKind base) : Type(TypeTag::kCon, false), base(base) {}
  static bool classof(const Type* t) { return t->tag() == TypeTag::kCon; }
  BaseKind base;
};

// The type of an expression that already had an error reported: unifies with everything.
class ErrorTypeNode : public Type {
 public:
  ErrorTypeNode() : Type(TypeTag::kError, false) {}
  static bool classof(const Type* t) { return t->tag() == TypeTag::kError; }
};

class EmptyRow : public Type {
 public:
  EmptyRow() : Type(TypeTag::kEmptyRow, false) {}
  static bool classof(const Type* t) { return t->tag() == TypeTag::kEmptyRow; }
};

class ListTypeNode : public Type {
 public:
  explicit ListTypeNode(Type* element)
      : Type(TypeTag::kList, element->has_vars()), element(element) {}
  static bool classof(const Type* t) { return t->tag() == TypeTag::kList; }
  void Profile(llvm::FoldingSetNodeID& id) const;
  Type* element;
};

class FunctionTypeNode : public Type {
 public:
  FunctionTypeNode(Type* param, Type* result)
      : Type(TypeTag::kFunction, param->has_vars() || result->has_vars()),
        param(param),
        result(result) {}
  static bool classof(const Type* t) { return t->tag() == TypeTag::kFunction; }
  void Profile(llvm::FoldingSetNodeID& id) const;
  Type* param;
  Type* result;
};

// One field of a record type. An optional field may be absent from the other side of a
// unification (pattern fields with defaults, builtin option records, `r.a or d`).
struct FieldType {
  Symbol name;
  Type* type;
  bool optional = false;
};

class RecordTypeNode : public Type {
 public:
  RecordTypeNode(llvm::ArrayRef<FieldType> fields, Type* tail, bool has_vars)
      : Type(TypeTag::kRecord, has_vars), fields(fields), tail(tail) {}
  static bool classof(const Type* t) { return t->tag() == TypeTag::kRecord; }
  void Profile(llvm::FoldingSetNodeID& id) const;
  llvm::ArrayRef<FieldType> fields;  // sorted by name, unique
  Type* tail;                        // EmptyRow, a row TypeVar, a RecordTypeNode or ErrorTypeNode
};

// Follows union-find links (with path compression).
Type* Resolve(Type* t);

// A record's fields gathered along its tail chain, sorted by name; a field of an inner
// extension shadows one of the same name further down the chain (right side of `//` wins).
struct FlatRecord {
  llvm::SmallVector<FieldType, 8> fields;
  Type* tail = nullptr;  // resolved: EmptyRow, an unbound row TypeVar, or ErrorTypeNode
  const FieldType* Find(Symbol name) const;
  bool closed() const;
};
FlatRecord Flatten(Type* record);

// Sorts fields by name (Symbol::operator<, by spelling).
void SortFields(llvm::SmallVectorImpl<FieldType>& fields);

// Owns and interns every type of a checking session.
class TypeContext {
 public:
  TypeContext();
  TypeContext(const TypeContext&) = delete;
  TypeContext& operator=(const TypeContext&) = delete;

  Type* Int() { return int_; }
  Type* Bool() { return bool_; }
  Type* String() { return string_; }
  Type* Stage() { return stage_; }
  Type* Artifact() { return artifact_; }
  Type* Error() { return &error_; }
  Type* EmptyRowType() { return &empty_row_; }

  TypeVar* FreshVar(int level, bool is_row = false);
  Type* List(Type* element);
  Type* Function(Type* param, Type* result);
  // `fields` need not be sorted; names must be unique.
  Type* Record(llvm::ArrayRef<FieldType> fields, Type* tail);
  Type* ClosedRecord(llvm::ArrayRef<FieldType> fields) { return Record(fields, EmptyRowType()); }

  // Predicates woken by variable bindings, drained by the inferencer.
  std::vector<Predicate*>& woken() { return woken_; }
  llvm::BumpPtrAllocator& allocator() { return allocator_; }

 private:
  llvm::BumpPtrAllocator allocator_;
  llvm::FoldingSet<ListTypeNode> lists_;
  llvm::FoldingSet<FunctionTypeNode> functions_;
  llvm::FoldingSet<RecordTypeNode> records_;
  BaseType* int_;
  BaseType* bool_;
  BaseType* string_;
  BaseType* stage_;
  BaseType* artifact_;
  ErrorTypeNode error_;
  EmptyRow empty_row_;
  uint32_t next_var_ = 0;
  std::vector<Predicate*> woken_;
};

}  // namespace strata::types
