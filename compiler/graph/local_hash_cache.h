// The local-source hash cache file (LocalSourceHasher's cache_path, the store's
// `local-hash-cache`): per-file content hashes by path and stat data, and their upkeep.
#pragma once

#include <llvm/ADT/StringMap.h>
#include <sys/stat.h>
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

// The moment before a stat whose data may go into the cache (CLOCK_REALTIME, nanoseconds).
int64_t HashCacheClock();

// Whether a file with stat data `st`, stat'ed and read after `before_stat_ns` (HashCacheClock),
// may be cached by that stat data: only if any later change of its bytes must move its mtime or
// ctime. File times come from a coarse clock (a tick of up to 10 ms) cut to the file system's
// granularity: whole seconds on some (ext4 with 128-byte inodes, and so NFS exports of them),
// two on FAT. A file changed in the same tick or second as it was read, after the read, keeps
// its times, and a cached digest would then stand for bytes it never saw (a warm build's
// image differing from a fresh build's). So its times must be older than the read by more
// than a tick, or by more than two seconds when both lack a sub-second part (the file system
// keeps whole seconds, as far as we can tell). Younger files are read each time until they age.
bool StableForHashCache(const struct stat& st, int64_t before_stat_ns);

// Reads the cache file at `cache_path` into `cache`; a missing, corrupt or foreign file leaves
// `cache` as it was. Git's "racy clean" rule: entries not older than the file are left out
// (the entries that a writer trusted by StableForHashCache always are).
void LoadLocalHashCache(const std::string& cache_path, LocalHashCache& cache);
// Writes `cache` to `cache_path`, sorted by path, atomically (no fsync: a torn file fails its
// checksum and is ignored); false if it could not be written.
bool SaveLocalHashCache(const std::string& cache_path, const LocalHashCache& cache);

// Drops the entries of files that are gone or changed since they were hashed (their stat data
// differs, so the entry can never hit again) and rewrites the file when any was dropped.
// Returns {kept, removed}; a missing or unreadable cache is {0, 0}. `strata gc` runs it.
std::pair<size_t, size_t> TrimLocalHashCache(const std::string& cache_path);

}  // namespace strata::graph
