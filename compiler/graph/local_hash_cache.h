// The local-source hash cache file (LocalSourceHasher's cache_path, the store's
// `local-hash-cache`): per-file content hashes by path and stat data, and their upkeep.
#pragma once

#include <llvm/ADT/StringMap.h>
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace strata::graph {

// What the cache knows of one file, by absolute path: the stat data it was hashed with.
struct LocalHashCacheEntry {
  uint64_t ino = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  XXH128_hash_t digest{};
};
using LocalHashCache = llvm::StringMap<LocalHashCacheEntry>;

// Reads the cache file at `cache_path` into `cache`; a missing, corrupt or foreign file leaves
// `cache` as it was. Git's "racy clean" rule: entries not older than the file are left out.
void LoadLocalHashCache(const std::string& cache_path, LocalHashCache& cache);
// Writes `cache` to `cache_path`, sorted by path, atomically (no fsync: a torn file fails its
// checksum and is ignored); false if it could not be written.
bool SaveLocalHashCache(const std::string& cache_path, const LocalHashCache& cache);

// Drops the entries of files that are gone or changed since they were hashed (their stat data
// differs, so the entry can never hit again) and rewrites the file when any was dropped.
// Returns {kept, removed}; a missing or unreadable cache is {0, 0}. `strata gc` runs it.
std::pair<size_t, size_t> TrimLocalHashCache(const std::string& cache_path);

}  // namespace strata::graph
