// Unification of types, including records with row variables and optional fields.
#pragma once

#include <llvm/ADT/SmallVector.h>

#include <string>

#include "compiler/types/type.h"

namespace strata::types {

enum class MismatchKind { kTypes, kMissingField, kUnexpectedField, kOccurs };

// Why the last Unify failed: the innermost pair of types that differ, or the record field
// one side lacks, and the field names leading to it.
struct Mismatch {
  MismatchKind kind = MismatchKind::kTypes;
  Type* expected = nullptr;
  Type* found = nullptr;
  Symbol field;                       // kMissingField / kUnexpectedField
  Type* other_record = nullptr;       // the record that has `field`
  llvm::SmallVector<Symbol, 2> path;  // fields from the top types down to the mismatch
};

class Unifier {
 public:
  explicit Unifier(TypeContext& context) : context_(context) {}

  // Makes `expected` and `found` equal by binding variables. The error type unifies with
  // everything. On failure, bindings made so far stay and mismatch() says why.
  bool Unify(Type* expected, Type* found);
  const Mismatch& mismatch() const { return mismatch_; }

  // Binds `var` to `type` (occurs check, level adjustment, waking deferred constraints).
  bool Bind(TypeVar* var, Type* type);

 private:
  bool Walk(Type* expected, Type* found);
  bool WalkRecords(Type* expected, Type* found);
  bool Fail(MismatchKind kind, Type* expected, Type* found);
  bool OccursOrAdjust(TypeVar* var, Type* type);

  TypeContext& context_;
  Mismatch mismatch_;
  llvm::SmallVector<Symbol, 4> path_;
  bool failed_ = false;
};

// A short explanation of a mismatch below the top pair ("in field 'cache': expected List
// String, found String"); empty when the top pair itself is the mismatch.
std::string DescribeMismatch(const Mismatch& mismatch, Type* top_expected, Type* top_found);

}  // namespace strata::types
