// The list of builtin names, gathered from every builtin table.
#include "compiler/eval/builtins.h"

#include <algorithm>

#include "compiler/eval/machine.h"

namespace strata::eval {

std::vector<std::string_view> BuiltinNames() {
  std::vector<std::string_view> names;
  for (auto table : {StageBuiltins(), ListBuiltins(), StringBuiltins(), RecordBuiltins()})
    for (const BuiltinDef& def : table) names.push_back(def.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace strata::eval
