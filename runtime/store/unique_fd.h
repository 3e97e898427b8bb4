// The store's name for the base library's fd owner (one class: compiler/support/unique_fd.h).
#pragma once

#include "compiler/support/unique_fd.h"

namespace strata::store {

using support::UniqueFd;

}  // namespace strata::store
