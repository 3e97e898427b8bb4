// Package relations as Packages indexes write them: "a (>= 1) | b:any, c [amd64] <!nocheck>".
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace strata::debian {

enum class VersionOp { kAny, kLess, kLessEqual, kEqual, kGreaterEqual, kGreater };

struct Relation {
  std::string name;
  std::string arch_qualifier;  // "any", "native", an architecture, or ""
  VersionOp op = VersionOp::kAny;
  std::string version;  // "" when op is kAny
  // "[amd64 !i386]" and "<!nocheck>" (source relations only): kept as written.
  std::vector<std::string> arch_restrictions;
  std::vector<std::string> profiles;

  // "name:qual (op version)", as a message shows it.
  std::string ToString() const;
};

// Alternatives: satisfied when any one of them is.
using RelationGroup = std::vector<Relation>;

// Parses a comma-separated relation field (Depends, Pre-Depends, Provides, Conflicts, ...).
// An empty field is an empty list. Obsolete "<" and ">" mean "<=" and ">=", as dpkg reads them.
llvm::Expected<std::vector<RelationGroup>> ParseRelations(llvm::StringRef field);

// True when `candidate` satisfies "op required" (for kAny, always).
bool VersionSatisfies(llvm::StringRef candidate, VersionOp op, llvm::StringRef required);

llvm::StringRef OpSpelling(VersionOp op);

}  // namespace strata::debian
