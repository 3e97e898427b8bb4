// The names of the builtins the evaluator implements (the checker's table must match).
#pragma once

#include <string_view>
#include <vector>

namespace strata::eval {

// Every builtin name, sorted.
std::vector<std::string_view> BuiltinNames();

}  // namespace strata::eval
