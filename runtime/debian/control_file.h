// deb822 control files (Packages indexes, Release files, dpkg status): stanzas of
// "Name: value" fields, continuation lines starting with a space or tab, blank lines between.
#pragma once

#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <utility>
#include <vector>

namespace strata::debian {

// One stanza. Names and values point into the parsed text, which must outlive the stanza.
// A multi-line value keeps its inner line breaks and leading spaces as written; the
// first line's leading and the value's trailing whitespace are dropped.
struct Stanza {
  llvm::SmallVector<std::pair<llvm::StringRef, llvm::StringRef>, 16> fields;
  size_t line = 0;  // 1-based line of the stanza's first field

  // The value of a field (names compare case-insensitively, as deb822 says), or "" when absent.
  llvm::StringRef Get(llvm::StringRef name) const;
  bool Has(llvm::StringRef name) const;
};

// Parses every stanza. Comment lines ('#' in column 0) are skipped. A line that is neither a
// field nor a continuation, or a continuation with no field before it, is an error naming
// its line; `what` names the file in that message.
llvm::Expected<std::vector<Stanza>> ParseControl(llvm::StringRef text, llvm::StringRef what);

// The same parse, one stanza at a time (a Packages index has ~63,000: none is kept). Stops at
// the first error, from the text or from `on_stanza`.
llvm::Error ForEachStanza(llvm::StringRef text, llvm::StringRef what,
                          llvm::function_ref<llvm::Error(const Stanza&)> on_stanza);

// The lines of a multi-line value, each trimmed, empty lines dropped (the file lists of a
// Release file's SHA256 field, for instance).
std::vector<llvm::StringRef> ValueLines(llvm::StringRef value);

}  // namespace strata::debian
