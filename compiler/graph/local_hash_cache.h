// Upkeep of the local-source hash cache file (LocalSourceHasher's cache_path, the store's
// `local-hash-cache`): nothing else ever removes an entry from it.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

namespace strata::graph {

// Drops the entries of files that are gone or changed since they were hashed (their stat data
// differs, so the entry can never hit again) and rewrites the file when any was dropped.
// Returns {kept, removed}; a missing or unreadable cache is {0, 0}. `strata gc` runs it.
std::pair<size_t, size_t> TrimLocalHashCache(const std::string& cache_path);

}  // namespace strata::graph
