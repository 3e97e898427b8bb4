// The local-source hash cache file: a sorted binary list of per-file content hashes by path
// and stat data, loaded whole, rewritten atomically, trimmed by `strata gc`.
#include "compiler/graph/local_hash_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "compiler/support/atomic_file.h"
#include "compiler/support/file_read.h"
#include "compiler/support/unique_fd.h"

namespace strata::graph {
namespace {

constexpr char kCacheMagic[] = "strata-local-cache-v1\n";
constexpr size_t kCacheMagicSize = sizeof(kCacheMagic) - 1;
// path length (u32) + ino, size, mtime, ctime (u64 each) + digest, without the path bytes.
constexpr size_t kCacheRecordFixed = 4 + 4 * 8 + 16;

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * i));
}
void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>(v >> (8 * i));
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

int64_t Nanos(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// StableForHashCache's margins: above a coarse-clock tick (10 ms at HZ=100; exFAT keeps 10 ms
// too), and above FAT's two seconds for times without a sub-second part.
constexpr int64_t kFineMarginNs = 30'000'000;
constexpr int64_t kWholeSecondMarginNs = 3'000'000'000;

}  // namespace

int64_t HashCacheClock() {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return Nanos(now);
}

bool StableForHashCache(const struct stat& st, int64_t before_stat_ns) {
  bool whole_seconds = st.st_mtim.tv_nsec == 0 && st.st_ctim.tv_nsec == 0;
  int64_t newest = std::max(Nanos(st.st_mtim), Nanos(st.st_ctim));
  return newest < before_stat_ns - (whole_seconds ? kWholeSecondMarginNs : kFineMarginNs);
}

void LoadLocalHashCache(const std::string& cache_path, LocalHashCache& cache) {
  support::UniqueFd fd(open(cache_path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st;
  if (!fd || fstat(fd.Get(), &st) != 0) return;
  llvm::Expected<std::string> bytes = support::ReadAll(fd.Get(), cache_path);
  if (!bytes) {
    llvm::consumeError(bytes.takeError());
    return;
  }
  std::string data = std::move(*bytes);
  // Layout: magic, u64 count, records, XXH3-64 of everything before it. Anything else is
  // not our cache (or a torn one), and is ignored as a whole.
  if (data.size() < kCacheMagicSize + 16 || data.compare(0, kCacheMagicSize, kCacheMagic) != 0)
    return;
  size_t body_end = data.size() - 8;
  if (XXH3_64bits(data.data(), body_end) != GetU64(data.data() + body_end)) return;
  // Git's "racy clean" rule: a file changed in the same clock tick as the cache was written
  // may keep its stat data, so entries not older than the cache file are not trusted.
  int64_t written_ns = Nanos(st.st_mtim);
  size_t pos = kCacheMagicSize;
  uint64_t count = GetU64(data.data() + pos);
  pos += 8;
  LocalHashCache loaded;
  for (uint64_t i = 0; i < count; ++i) {
    if (body_end - pos < kCacheRecordFixed) return;
    uint32_t path_size = GetU32(data.data() + pos);
    if (body_end - pos - kCacheRecordFixed < path_size) return;
    const char* p = data.data() + pos + 4;
    std::string_view path(p, path_size);
    p += path_size;
    LocalHashCacheEntry entry;
    entry.ino = GetU64(p);
    entry.size = GetU64(p + 8);
    entry.mtime_ns = static_cast<int64_t>(GetU64(p + 16));
    entry.ctime_ns = static_cast<int64_t>(GetU64(p + 24));
    entry.digest.high64 = GetU64(p + 32);
    entry.digest.low64 = GetU64(p + 40);
    pos += kCacheRecordFixed + path_size;
    if (entry.mtime_ns < written_ns && entry.ctime_ns < written_ns) loaded[path] = entry;
  }
  if (pos != body_end) return;
  cache = std::move(loaded);
}

bool SaveLocalHashCache(const std::string& cache_path, const LocalHashCache& cache) {
  // Sorted so that the file does not depend on hash-table order.
  std::vector<const llvm::StringMapEntry<LocalHashCacheEntry>*> entries;
  for (const auto& entry : cache) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return a->getKey() < b->getKey(); });
  std::string data(kCacheMagic, kCacheMagicSize);
  PutU64(data, entries.size());
  for (const auto* entry : entries) {
    const LocalHashCacheEntry& e = entry->getValue();
    PutU32(data, static_cast<uint32_t>(entry->getKey().size()));
    data.append(entry->getKey().data(), entry->getKey().size());
    PutU64(data, e.ino);
    PutU64(data, e.size);
    PutU64(data, static_cast<uint64_t>(e.mtime_ns));
    PutU64(data, static_cast<uint64_t>(e.ctime_ns));
    PutU64(data, e.digest.high64);
    PutU64(data, e.digest.low64);
  }
  PutU64(data, XXH3_64bits(data.data(), data.size()));

  // Readers see the old file or the new one; a cache needs no fsync (a torn one is ignored).
  if (llvm::Error err = support::WriteFileAtomic(cache_path, data, {0644, /*durable=*/false})) {
    llvm::consumeError(std::move(err));
    return false;
  }
  return true;
}

std::pair<size_t, size_t> TrimLocalHashCache(const std::string& cache_path) {
  LocalHashCache cache;
  LoadLocalHashCache(cache_path, cache);
  std::vector<std::string> stale;
  for (const auto& entry : cache) {
    const LocalHashCacheEntry& e = entry.getValue();
    struct stat st;
    if (::lstat(entry.getKey().str().c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
        e.ino != static_cast<uint64_t>(st.st_ino) || e.size != static_cast<uint64_t>(st.st_size) ||
        e.mtime_ns != Nanos(st.st_mtim) || e.ctime_ns != Nanos(st.st_ctim))
      stale.push_back(entry.getKey().str());
  }
  for (const std::string& path : stale) cache.erase(path);
  if (!stale.empty()) SaveLocalHashCache(cache_path, cache);
  return {cache.size(), stale.size()};
}

}  // namespace strata::graph
