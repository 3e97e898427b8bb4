// The checker's builtin table and the evaluator's builtins name the same set of values.
#include <catch2/catch.hpp>
#include <string_view>
#include <vector>

#include "compiler/eval/builtins.h"
#include "compiler/types/builtin_types.h"

namespace strata::types {
namespace {

TEST_CASE("types: builtin signatures match the evaluator's builtins", "[types]") {
  std::vector<std::string_view> typed;
  for (const BuiltinSignature& b : BuiltinSignatures()) typed.push_back(b.name);
  std::vector<std::string_view> evaluated = eval::BuiltinNames();
  REQUIRE(typed == evaluated);
}

}  // namespace
}  // namespace strata::types
