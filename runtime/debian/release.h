// A suite's Release file (the signed text of InRelease): its date and the sha256 and size of
// every index it lists.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <cstdint>
#include <map>
#include <string>

namespace strata::debian {

struct IndexEntry {
  std::string sha256;
  uint64_t size = 0;
};

struct Release {
  std::string suite;     // "oldstable"
  std::string codename;  // "bookworm"
  std::string date;      // "Sat, 11 Jul 2026 10:16:37 UTC"
  bool by_hash = false;  // Acquire-By-Hash: indexes are also served as by-hash/SHA256/<hex>
  std::map<std::string, IndexEntry> files;  // "main/binary-amd64/Packages.xz" → hash, size

  // The entry for a path, or null.
  const IndexEntry* Find(const std::string& path) const;
};

// Parses the verified Release text. `requested` is the suite the user named: it must be the
// file's Codename or Suite, so a validly signed Release of another suite is refused.
llvm::Expected<Release> ParseRelease(llvm::StringRef text, llvm::StringRef requested);

}  // namespace strata::debian
