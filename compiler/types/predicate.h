// Deferred constraints: overloaded operators and record update, solved once operand types are
// known.
#pragma once

#include "compiler/diag/source.h"
#include "compiler/types/type.h"

namespace strata::types {

enum class PredicateKind : uint8_t {
  kAdd,      // `+`: Int + Int -> Int, String + String -> String
  kDiv,      // `/`: Int / Int -> Int, (Stage | Artifact) / String -> Artifact
  kCompare,  // `< <= > >=`: on Int or String
  kUpdate,   // `l // r`: record update, right side wins
};

// A constraint like a type-class predicate: kept on the variables it waits for, and kept in a
// let binding's scheme when it mentions generalized variables (checked at each use).
struct Predicate {
  PredicateKind kind;
  Type* lhs;
  Type* rhs;
  Type* result;
  diag::SourceRange range;  // the operator, or the use of the function whose scheme holds it
  Symbol via;               // that function's name, when instantiated from a scheme
  bool solved = false;
  // Instantiated from a record's scheme and not reached yet: it belongs to a field nobody has
  // used (`lib.version` says nothing about `lib.select`'s `/`). Woken by a binding of one of its
  // variables or by selecting the field that holds them; never defaulted while dormant.
  bool dormant = false;
};

}  // namespace strata::types
