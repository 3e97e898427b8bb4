// The builtins' names and type signatures: the single table the evaluator's builtins must match.
#pragma once

#include <llvm/ADT/ArrayRef.h>

#include <string_view>

#include "compiler/types/type.h"

namespace strata::types {

struct BuiltinSignature {
  std::string_view name;
  std::string_view signature;  // in the annotation syntax; `field? :: T` marks an optional field
};

// Every builtin value, sorted by name.
llvm::ArrayRef<BuiltinSignature> BuiltinSignatures();

// Named record types used in signatures (RunOpts, CopyOpts, HealthOpts...), with their text.
llvm::ArrayRef<BuiltinSignature> BuiltinTypeAliases();

// Parses a signature into a type whose lowercase variables are generic (quantified).
// Aborts on a malformed signature: the table is part of the compiler, not user input.
Type* ParseSignature(TypeContext& context, std::string_view text);

}  // namespace strata::types
