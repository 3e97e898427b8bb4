// Interned identifiers: one process-wide table; entries live until exit.
#include "compiler/syntax/symbol.h"

#include <llvm/ADT/StringMap.h>

namespace strata::syntax {

Symbol Symbol::Intern(std::string_view name) {
  static auto* table = new llvm::StringMap<std::string_view>();
  auto [it, inserted] = table->try_emplace(llvm::StringRef(name.data(), name.size()));
  if (inserted) it->second = std::string_view(it->first().data(), it->first().size());
  return Symbol(&it->second);
}

}  // namespace strata::syntax
