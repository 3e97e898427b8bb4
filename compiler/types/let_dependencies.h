// The dependency order of a recursive let's bindings, for generalizing them as Haskell does.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/syntax/ast.h"

namespace strata::types {

// The strongly connected components of the "binding i mentions binding j" graph of `let`'s
// non-inherited bindings, each component after every component it depends on. A name shadowed
// by an inner lambda parameter, pattern field or let is not a mention.
std::vector<std::vector<uint32_t>> LetComponents(const ast::Let* let);

}  // namespace strata::types
