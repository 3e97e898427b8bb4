// Stamps that remember across processes which blobs were hashed and found whole, so a warm build
// does not read every layer again before its image leaves the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace strata::store {

// What a blob file looks like to stat(2). Writing a file's bytes by any means a process has
// changes its ctime, which no process can set back, so an unchanged identity means unchanged
// bytes (as git trusts its index; the racy case is handled by VerifiedStamps' margin).
struct BlobIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool operator==(const BlobIdentity& o) const {
    return device == o.device && inode == o.inode && size == o.size && mtime_ns == o.mtime_ns &&
           ctime_ns == o.ctime_ns;
  }
};

// std::nullopt when the path cannot be stat'ed.
std::optional<BlobIdentity> IdentityOf(const std::string& path);
// CLOCK_REALTIME in nanoseconds, the clock file times are taken from.
int64_t WallClockNs();

// One small file per verified blob, `<dir>/<64 hex>`, holding the identity the blob had when it
// was hashed. Losing or damaging a stamp only costs one more hash; a stamp is never a reason to
// trust bytes whose identity changed.
class VerifiedStamps {
 public:
  // A blob changed less than this before its hash began is not stamped: file times come from a
  // coarse clock, and a write later in the same tick would leave the identity as it was.
  static constexpr int64_t kMarginNs = 1'000'000'000;

  explicit VerifiedStamps(std::string dir) : dir_(std::move(dir)) {}

  // True when `hex`'s stamp holds exactly `identity`.
  bool Covers(const std::string& hex, const BlobIdentity& identity) const;
  // Stamps `hex` after a hash that began at `hashed_from_ns` found it whole, when its identity
  // was the same before and after the hash and older than the margin. Best effort: a stamp that
  // cannot be written is skipped.
  void Record(const std::string& hex, const BlobIdentity& before, const BlobIdentity& after,
              int64_t hashed_from_ns) const;
  void Remove(const std::string& hex) const;
  std::string PathOf(const std::string& hex) const { return dir_ + "/" + hex; }

 private:
  std::string dir_;
};

}  // namespace strata::store
