// Content digests of local sources (`./src`), with a persistent per-file cache.
//
// The digest covers, for every entry under the path in a fixed order, its relative name,
// type, normalised mode, file contents and symlink targets, and which files are hard links of
// one another; never mtimes, owners or inode numbers.
// docs/graph-encoding.md gives the exact bytes and the rules (what is skipped, how modes are
// normalised) that the runtime must follow when it copies the same files into a layer.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/graph/ignore_patterns.h"

namespace strata::graph {

class LocalManifest;

// Bump when the local-source digest changes meaning.
// A tree without hard links has the digest it had before they were recorded ('h' records,
// docs/graph-encoding.md): its copy is the same as then, so its stored results stay valid.
inline constexpr std::string_view kLocalSourceVersion = "strata-local-v1";
// The same digest with modes kept as on disk (LocalSourceHasher::Hash's keep_modes).
inline constexpr std::string_view kLocalSourceKeptModesVersion = "strata-local-v1-modes";

// True for a directory entry name that local sources leave out: `.git`, whose contents
// change on every commit and fetch without the tree changing.
bool IsExcludedLocalEntry(std::string_view name);

// The mode a local entry gets in the digest and in the image: 0755 for directories and
// for files with the owner's exec bit, 0644 for other files, 0777 for symlinks. Group and
// world bits follow the host's umask, so they would make keys differ between machines.
uint32_t NormalizedLocalMode(mode_t st_mode);

// True when the directory `path` (at `rel` for `ignore`'s patterns) holds, at any depth, an
// entry the patterns do not ignore: an ignored directory is then still sent, holding only
// those entries, as BuildKit's context transfer walks it.
bool HoldsIncludedEntry(const std::string& path, const std::string& rel,
                        const IgnoreMatcher& ignore);

// XXH3-128 (32 hex digits) of bytes already in memory: LocalSourceHasher::FileContentHash's
// form, so a cache can compare the text an evaluation parsed with the file as it is.
std::string ContentHashHex(std::string_view bytes);

class LocalSourceHasher {
 public:
  // With a cache_path, per-file content digests are loaded from it and saved back (if they
  // changed) by the destructor. A missing, corrupt or foreign cache file is ignored.
  explicit LocalSourceHasher(std::string cache_path = {});
  ~LocalSourceHasher();
  LocalSourceHasher(const LocalSourceHasher&) = delete;
  LocalSourceHasher& operator=(const LocalSourceHasher&) = delete;

  struct Result {
    std::string digest;  // 32 lowercase hex digits
    std::string error;   // non-empty on failure, naming the file
  };
  // Hashes a file, directory or symlink (not followed). The same path is hashed once per
  // hasher; the CLI keeps one hasher per process.
  Result Hash(const std::string& path);
  // Hashes a directory without the entries that `exclude` (.dockerignore patterns, see
  // ignore_patterns.h, relative to `path`) ignores. An ignored directory is left out with its
  // contents, unless an exception pattern re-includes something inside it: then it is kept
  // with only the included entries. With no patterns this is Hash(path).
  Result Hash(const std::string& path, const std::vector<std::string>& exclude);
  // The same, for a path inside the root the patterns apply to: `exclude_base` is `path`
  // relative to that root ("web/package.json"), so the patterns match `exclude_base/NAME`.
  // With `keep_modes` (a Dockerfile's build context, as BuildKit sends it), the digest covers
  // each entry's mode as it is on disk (07777 bits) instead of NormalizedLocalMode.
  Result Hash(const std::string& path, const std::vector<std::string>& exclude,
              const std::string& exclude_base, bool keep_modes = false);

  // XXH3-128 (32 hex digits) of a file's bytes, following symlinks, through the same cache:
  // an unchanged file costs a stat. nullopt when it is not a readable regular file. (The
  // package cache checks module files with it.)
  std::optional<std::string> FileContentHash(const std::string& path);
  // What every Hash so far saw of each entry, by absolute path (local_manifest.h): the runtime
  // checks the files it archives against it.
  const LocalManifest& manifest() const;

  // Writes the cache now (the destructor does it too); false if it could not be written.
  bool Save();

  // Counters for tests and `--stats`.
  struct Stats {
    uint64_t files_read = 0;
    uint64_t bytes_read = 0;
    uint64_t cache_hits = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Impl;
  Impl* impl_;
  Stats stats_;
};

}  // namespace strata::graph
