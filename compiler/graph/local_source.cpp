// LocalSourceHasher: walks a local source in canonical order and digests it, reusing
// per-file content digests from a stat-keyed cache so that unchanged files are not read.
#include "compiler/graph/local_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <llvm/ADT/StringMap.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "compiler/graph/file_digests.h"
#include "compiler/graph/ignore_patterns.h"
#include "compiler/graph/local_hash_cache.h"
#include "compiler/graph/local_manifest.h"
#include "compiler/support/atomic_file.h"
#include "compiler/support/file_read.h"
#include "compiler/support/unique_fd.h"

namespace strata::graph {
namespace {

int64_t Nanos(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Closes a directory stream on scope exit.
class Dir {
 public:
  explicit Dir(DIR* dir) : dir_(dir) {}
  ~Dir() {
    if (dir_ != nullptr) closedir(dir_);
  }
  Dir(const Dir&) = delete;
  Dir& operator=(const Dir&) = delete;
  DIR* get() const { return dir_; }

 private:
  DIR* dir_;
};

// Appends the canonical record bytes to an XXH3-128 state.
class Digester {
 public:
  Digester() : state_(XXH3_createState()) { XXH3_128bits_reset(state_); }
  ~Digester() { XXH3_freeState(state_); }
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;

  void Raw(const void* data, size_t size) { XXH3_128bits_update(state_, data, size); }
  void U64(uint64_t v) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(v >> (8 * i));
    Raw(bytes, sizeof bytes);
  }
  void U32(uint32_t v) {
    unsigned char bytes[4];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<unsigned char>(v >> (8 * i));
    Raw(bytes, sizeof bytes);
  }
  void Bytes(std::string_view s) {
    U64(s.size());
    Raw(s.data(), s.size());
  }
  void Canonical(XXH128_hash_t hash) {
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, hash);
    Raw(canonical.digest, sizeof canonical.digest);
  }
  XXH128_hash_t Finish() { return XXH3_128bits_digest(state_); }

 private:
  XXH3_state_t* state_;
};

std::string HexOf(XXH128_hash_t hash) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, hash);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : canonical.digest) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  return out;
}

// An absolute path that lexically_normal would leave as it is: no empty, `.` or `..` step.
bool IsNormalAbsolute(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  size_t start = 1;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    std::string_view step =
        path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (step.empty() || step == "." || step == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

const char* FileTypeName(mode_t mode) {
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISFIFO(mode)) return "fifo";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  return "unknown file type";
}

}  // namespace

bool IsExcludedLocalEntry(std::string_view name) { return name == ".git"; }

uint32_t NormalizedLocalMode(mode_t st_mode) {
  if (S_ISDIR(st_mode)) return 0755;
  if (S_ISLNK(st_mode)) return 0777;
  return (st_mode & S_IXUSR) ? 0755 : 0644;
}

struct LocalSourceHasher::Impl {
  using CacheEntry = LocalHashCacheEntry;

  std::string cache_path;
  llvm::StringMap<CacheEntry> cache;
  bool dirty = false;
  llvm::StringMap<Result> memo;
  Stats* stats = nullptr;
  bool keep_modes = false;      // of the Hash call in progress
  int64_t walk_started_ns = 0;  // of the Hash call in progress: before any of its stats

  void Load();
  bool Save();
  // One entry of the canonical walk; a regular file's content digest comes from the cache
  // or, later, from its job (files are read on several threads, then digested in walk order).
  struct Item {
    std::string rel;
    char kind = 'f';  // 'f' file, 'l' symlink, 'd' directory
    uint32_t mode = 0;
    uint64_t size = 0;
    std::string target;              // a symlink's
    size_t job = SIZE_MAX;           // index into jobs, for a file the cache did not know
    XXH128_hash_t content{};         // a file's, from the cache
    std::string path;                // absolute, for the manifest
    struct stat st {};               // the walk's lstat
    std::vector<std::string> names;  // a directory's
    // A later name of a file the walk listed before (same dev and inode): that item's index.
    size_t link = SIZE_MAX;
  };
  LocalManifest manifest;
  // Records what the walk saw of `item` (with a file's content digest) in the manifest.
  void Record(Item& item, XXH128_hash_t content);
  std::vector<Item> items;
  // The first item of each (dev, inode) with st_nlink > 1 in the walk (one Hash call's).
  std::map<std::pair<uint64_t, uint64_t>, size_t> first_names;
  // The files the walk found to read, read while the walk goes on (one Hash call's).
  std::unique_ptr<FileDigestPool> jobs;

  // Lists `path` into items and jobs (a cache hit needs no job). `base` prefixes `rel` for
  // pattern matching (a path selected inside the patterns' root).
  bool Walk(const std::string& path, const std::string& rel, std::string& error,
            const IgnoreMatcher* ignore = nullptr, const std::string& base = "");
  // Reads the jobs' files, records them in the cache and feeds the items to `digester` in walk
  // order; false (with the first failing file's error) if a file could not be read.
  bool Digest(Digester& digester, std::string& error);
};

void LocalSourceHasher::Impl::Load() { LoadLocalHashCache(cache_path, cache); }

bool LocalSourceHasher::Impl::Save() {
  if (cache_path.empty() || !dirty) return true;
  if (!SaveLocalHashCache(cache_path, cache)) return false;
  dirty = false;
  return true;
}

void LocalSourceHasher::Impl::Record(Item& item, XXH128_hash_t content) {
  LocalEntry entry;
  entry.kind = item.kind;
  entry.mode = static_cast<uint32_t>(item.st.st_mode & 07777);
  entry.size = item.kind == 'f' ? item.size : 0;
  entry.content_high = content.high64;
  entry.content_low = content.low64;
  entry.ino = static_cast<uint64_t>(item.st.st_ino);
  entry.dev = static_cast<uint64_t>(item.st.st_dev);
  entry.linked = item.kind == 'f' && item.st.st_nlink > 1;
  entry.mtime_ns = Nanos(item.st.st_mtim);
  entry.ctime_ns = Nanos(item.st.st_ctim);
  entry.target = std::move(item.target);
  entry.names = std::move(item.names);
  manifest.Add(item.path, std::move(entry));
}

bool LocalSourceHasher::Impl::Digest(Digester& digester, std::string& error) {
  jobs->Finish();
  for (Item& item : items) {
    digester.Bytes(item.rel);
    if (item.kind == 'l') {
      digester.Raw("l", 1);
      digester.U32(item.mode);
      digester.Bytes(item.target);
      Record(item, {});
      continue;
    }
    if (item.kind == 'd') {
      digester.Raw("d", 1);
      digester.U32(item.mode);
      Record(item, {});
      continue;
    }
    if (item.link != SIZE_MAX) {
      // A hard link: its bytes and mode are the first name's (already digested, in walk order).
      const Item& first = items[item.link];
      digester.Raw("h", 1);
      digester.Bytes(first.rel);
      Record(item, first.content);
      continue;
    }
    XXH128_hash_t content = item.content;
    if (item.job != SIZE_MAX) {
      FileDigestJob& job = (*jobs)[item.job];
      if (!job.error.empty()) {
        error = job.error;
        return false;
      }
      content = job.digest;
      ++stats->files_read;
      stats->bytes_read += job.bytes_read;
      // Cached only if the file did not change while it was read, and no later change could
      // keep its stat data.
      if (job.unchanged && StableForHashCache(job.st, walk_started_ns)) {
        const struct stat& st = job.st;
        cache[job.path] =
            CacheEntry{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                       Nanos(st.st_mtim), Nanos(st.st_ctim), job.digest};
        dirty = true;
      }
    }
    digester.Raw("f", 1);
    digester.U32(item.mode);
    digester.U64(item.size);
    digester.Canonical(content);
    item.content = content;  // for its later names
    Record(item, content);
  }
  return true;
}

bool LocalSourceHasher::Impl::Walk(const std::string& path, const std::string& rel,
                                   std::string& error, const IgnoreMatcher* ignore,
                                   const std::string& base) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    error = "cannot stat " + path + ": " + std::strerror(errno);
    return false;
  }
  uint32_t mode =
      keep_modes && !S_ISLNK(st.st_mode) ? (st.st_mode & 07777) : NormalizedLocalMode(st.st_mode);
  if (S_ISREG(st.st_mode)) {
    Item item;
    item.rel = rel;
    item.mode = mode;
    item.size = static_cast<uint64_t>(st.st_size);
    item.path = path;
    item.st = st;
    if (st.st_nlink > 1) {
      auto [first, inserted] = first_names.try_emplace(
          {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)}, items.size());
      if (!inserted) {
        item.link = first->second;  // not read: the bytes are the first name's
        items.push_back(std::move(item));
        return true;
      }
    }
    auto it = cache.find(path);
    if (it != cache.end() && it->second.ino == static_cast<uint64_t>(st.st_ino) &&
        it->second.size == item.size && it->second.mtime_ns == Nanos(st.st_mtim) &&
        it->second.ctime_ns == Nanos(st.st_ctim)) {
      ++stats->cache_hits;
      item.content = it->second.digest;
    } else {
      FileDigestJob job;
      job.path = path;
      job.st = st;
      item.job = jobs->Add(std::move(job));
    }
    items.push_back(std::move(item));
    return true;
  }
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    for (;;) {
      ssize_t n = readlink(path.c_str(), target.data(), target.size());
      if (n < 0) {
        error = "cannot read symlink " + path + ": " + std::strerror(errno);
        return false;
      }
      if (static_cast<size_t>(n) < target.size()) {
        target.resize(static_cast<size_t>(n));
        break;
      }
      target.resize(target.size() * 2);  // the link grew since lstat
    }
    Item item;
    item.rel = rel;
    item.kind = 'l';
    item.mode = mode;
    item.target = std::move(target);
    item.path = path;
    item.st = st;
    items.push_back(std::move(item));
    return true;
  }
  if (!S_ISDIR(st.st_mode)) {
    error = "unsupported " + std::string(FileTypeName(st.st_mode)) + " in local source: " + path;
    return false;
  }
  size_t dir_index = items.size();
  Item dir_item;
  dir_item.rel = rel;
  dir_item.kind = 'd';
  dir_item.mode = mode;
  dir_item.path = path;
  dir_item.st = st;
  items.push_back(std::move(dir_item));
  std::vector<std::string> names;
  {
    Dir dir(opendir(path.c_str()));
    if (dir.get() == nullptr) {
      error = "cannot read directory " + path + ": " + std::strerror(errno);
      return false;
    }
    errno = 0;
    while (struct dirent* entry = readdir(dir.get())) {
      std::string_view name = entry->d_name;
      if (name == "." || name == ".." || IsExcludedLocalEntry(name)) continue;
      names.emplace_back(name);
    }
    if (errno != 0) {
      error = "cannot read directory " + path + ": " + std::strerror(errno);
      return false;
    }
  }
  std::sort(names.begin(), names.end());  // byte order: char_traits<char> compares unsigned
  for (const std::string& name : names) {
    std::string child = path == "/" ? "/" + name : path + "/" + name;
    std::string child_rel = rel.empty() ? name : rel + "/" + name;
    std::string match_rel = base.empty() ? child_rel : base + "/" + child_rel;
    if (ignore && ignore->IsIgnored(match_rel)) {
      // Kept only when an exception re-includes something below it (then the directory
      // holds just the included entries, as BuildKit sends it).
      struct stat child_st;
      if (!ignore->has_exceptions() || lstat(child.c_str(), &child_st) != 0 ||
          !S_ISDIR(child_st.st_mode) || !HoldsIncludedEntry(child, match_rel, *ignore))
        continue;
    }
    items[dir_index].names.push_back(name);
    if (!Walk(child, child_rel, error, ignore, base)) return false;
  }
  return true;
}

bool HoldsIncludedEntry(const std::string& path, const std::string& rel,
                        const IgnoreMatcher& ignore) {
  if (!ignore.has_exceptions()) return false;  // below an ignored directory, all is ignored
  Dir dir(opendir(path.c_str()));
  if (dir.get() == nullptr) return false;
  while (struct dirent* entry = readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name == "." || name == ".." || IsExcludedLocalEntry(name)) continue;
    std::string child_rel = rel + "/" + std::string(name);
    if (!ignore.IsIgnored(child_rel)) return true;
    std::string child = path + "/" + std::string(name);
    struct stat st;
    if (lstat(child.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
        HoldsIncludedEntry(child, child_rel, ignore))
      return true;
  }
  return false;
}

LocalSourceHasher::LocalSourceHasher(std::string cache_path) : impl_(new Impl) {
  impl_->cache_path = std::move(cache_path);
  impl_->stats = &stats_;
  if (!impl_->cache_path.empty()) impl_->Load();
}

LocalSourceHasher::~LocalSourceHasher() {
  impl_->Save();  // best effort: a cache that cannot be written only costs time next run
  delete impl_;
}

bool LocalSourceHasher::Save() { return impl_->Save(); }

std::optional<std::string> LocalSourceHasher::FileContentHash(const std::string& path) {
  int64_t before_stat_ns = HashCacheClock();
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  XXH128_hash_t digest;
  auto it = impl_->cache.find(path);
  if (S_ISLNK(st.st_mode)) {
    // Followed and read each time (the cache holds the files a walk finds, never followed).
    llvm::Expected<std::string> bytes = support::ReadFile(path);
    if (!bytes) {
      llvm::consumeError(bytes.takeError());
      return std::nullopt;
    }
    digest = XXH3_128bits(bytes->data(), bytes->size());
  } else if (!S_ISREG(st.st_mode)) {
    return std::nullopt;
  } else if (it != impl_->cache.end() && it->second.ino == static_cast<uint64_t>(st.st_ino) &&
             it->second.size == static_cast<uint64_t>(st.st_size) &&
             it->second.mtime_ns == Nanos(st.st_mtim) && it->second.ctime_ns == Nanos(st.st_ctim)) {
    ++stats_.cache_hits;
    digest = it->second.digest;
  } else {
    std::vector<FileDigestJob> jobs(1);
    jobs[0].path = path;
    jobs[0].st = st;
    DigestFiles(jobs, 1);
    if (!jobs[0].error.empty()) return std::nullopt;
    ++stats_.files_read;
    stats_.bytes_read += jobs[0].bytes_read;
    digest = jobs[0].digest;
    if (jobs[0].unchanged && StableForHashCache(st, before_stat_ns)) {
      impl_->cache[path] =
          LocalHashCacheEntry{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                              Nanos(st.st_mtim), Nanos(st.st_ctim), digest};
      impl_->dirty = true;
    }
  }
  return HexOf(digest);
}

std::string ContentHashHex(std::string_view bytes) {
  return HexOf(XXH3_128bits(bytes.data(), bytes.size()));
}

const LocalManifest& LocalSourceHasher::manifest() const { return impl_->manifest; }

LocalSourceHasher::Result LocalSourceHasher::Hash(const std::string& path) {
  return Hash(path, std::vector<std::string>{});
}

LocalSourceHasher::Result LocalSourceHasher::Hash(const std::string& path,
                                                  const std::vector<std::string>& exclude) {
  return Hash(path, exclude, "");
}

LocalSourceHasher::Result LocalSourceHasher::Hash(const std::string& path,
                                                  const std::vector<std::string>& exclude,
                                                  const std::string& exclude_base,
                                                  bool keep_modes) {
  std::string absolute;
  if (IsNormalAbsolute(path)) {
    absolute = path;  // the common case (the package cache's checks): no path objects built
  } else {
    std::error_code ec;
    absolute = std::filesystem::absolute(path, ec).lexically_normal().string();
    if (ec) absolute = path;
  }
  while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
  std::string memo_key = absolute;
  for (const std::string& pattern : exclude) memo_key += std::string(1, '\0') + pattern;
  if (!exclude.empty()) memo_key += std::string(1, '\1') + exclude_base;
  if (keep_modes) memo_key += std::string(1, '\2');
  auto memo = impl_->memo.find(memo_key);
  if (memo != impl_->memo.end()) return memo->second;

  Result result;
  Digester digester;
  digester.Bytes(keep_modes ? kLocalSourceKeptModesVersion : kLocalSourceVersion);
  impl_->keep_modes = keep_modes;
  impl_->walk_started_ns = HashCacheClock();
  std::unique_ptr<IgnoreMatcher> ignore;
  if (!exclude.empty()) ignore = std::make_unique<IgnoreMatcher>(exclude);
  // The walk lists everything (a failure stops it) while the files it found are read on a few
  // threads; then they are digested in walk order: a file that cannot be read is reported
  // before a walk failure that came after it, as a sequential walk would.
  impl_->items.clear();
  impl_->first_names.clear();
  // Asked once: glibc reads /sys/devices/system/cpu/online on every call (a workspace
  // command hashes thousands of single-file sources).
  static const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  impl_->jobs = std::make_unique<FileDigestPool>(threads);
  std::string walk_error;
  bool walked = impl_->Walk(absolute, "", walk_error, ignore.get(), exclude_base);
  if (impl_->Digest(digester, result.error)) {
    if (walked)
      result.digest = HexOf(digester.Finish());
    else
      result.error = walk_error;
  }
  impl_->items.clear();
  impl_->first_names.clear();
  impl_->jobs.reset();
  impl_->memo[memo_key] = result;
  return result;
}

}  // namespace strata::graph
