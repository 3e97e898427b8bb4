// Debian version strings ([epoch:]upstream[-revision]) and their ordering, as dpkg defines it.
#pragma once

#include <llvm/ADT/StringRef.h>

namespace strata::debian {

// <0, 0 or >0 as `a` sorts before, equal to or after `b` (dpkg --compare-versions). Equal
// means equal in dpkg's sense: "1.0" and "0:1.0", "1.01" and "1.1" compare equal.
// Malformed input is ordered anyway (a non-numeric epoch counts as 0), never rejected here.
int CompareVersions(llvm::StringRef a, llvm::StringRef b);

// True when `version` is well formed: a numeric epoch (if any), an upstream part starting
// with a digit, and only the characters Debian policy allows in each part.
bool IsValidVersion(llvm::StringRef version);

}  // namespace strata::debian
