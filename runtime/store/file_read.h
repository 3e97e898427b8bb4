// The store's name for the base library's whole-file reader (compiler/support/file_read.h).
#pragma once

#include "compiler/support/file_read.h"

namespace strata::store {

using support::ReadAll;

}  // namespace strata::store
