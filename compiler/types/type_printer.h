// Prints types the way users write them: `List String`, `{ name :: String; ... } -> Stage`.
#pragma once

#include <llvm/ADT/DenseMap.h>

#include <string>

#include "compiler/types/type.h"

namespace strata::types {

// Names type variables a, b, c... in order of first appearance; one printer shared by the
// types of one message keeps the names consistent ("expected a -> a, found a -> Int").
class TypePrinter {
 public:
  std::string Print(Type* type);

 private:
  void Append(std::string& out, Type* type, bool atom);
  std::string VarName(TypeVar* var);
  llvm::DenseMap<TypeVar*, std::string> names_;
};

}  // namespace strata::types
