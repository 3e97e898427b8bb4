// What lowering saw of each local file (kind, mode, size, content digest), so that the runtime
// can check that what it archives is what the derivation key covers.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace strata::graph {

// One entry of a local source as the hasher found it. Files carry the XXH3-128 of their bytes
// (read at lowering, or from the stat-keyed hash cache), so a copy that hashes each file while
// archiving it proves the layer holds the keyed bytes without reading the file a second time.
struct LocalEntry {
  char kind = 'f';    // 'f' file, 'l' symlink, 'd' directory
  uint32_t mode = 0;  // the lstat's 07777 bits (the digest may normalise them)
  uint64_t size = 0;  // a file's
  uint64_t content_high = 0, content_low = 0;  // a file's XXH3-128
  uint64_t ino = 0;  // a file's lstat identity, for readers that cannot hash (ADD's untar)
  uint64_t dev = 0;
  // A file with other names (st_nlink > 1): the digest records the names of one (dev, ino)
  // within a source as hard links, so a copy makes the same links (layer_tree.h).
  bool linked = false;
  int64_t mtime_ns = 0, ctime_ns = 0;
  std::string target;  // a symlink's
  // A directory's entries that a hashing walked (not ignored), sorted; the union over the
  // sources that walked the directory.
  std::vector<std::string> names;
  bool conflict = false;  // hashed twice in this process with different results
};

// The entries of every local source hashed in this process, by absolute path. Thread-safe: the
// executor's ops read it while other nodes run.
class LocalManifest {
 public:
  // Records `entry` for `path`. A path recorded before with different facts changed during
  // lowering: it is marked so that every later use fails.
  void Add(const std::string& path, LocalEntry entry);
  // The entry for `path`, if lowering saw it.
  std::optional<LocalEntry> Find(const std::string& path) const;
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, LocalEntry> entries_;
};

}  // namespace strata::graph
