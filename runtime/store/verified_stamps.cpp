// VerifiedStamps: a blob's identity after a whole hash, written beside the blobs, read back
// before the next hash.
#include "runtime/store/verified_stamps.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "compiler/support/atomic_file.h"
#include "compiler/support/unique_fd.h"

namespace strata::store {
namespace {

constexpr char kMagic[] = "strata-verified-v1";

int64_t Ns(const struct timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

std::string Encode(const BlobIdentity& id) {
  char text[160];
  int n = std::snprintf(text, sizeof text, "%s %llu %llu %lld %lld %lld\n", kMagic,
                        static_cast<unsigned long long>(id.device),
                        static_cast<unsigned long long>(id.inode), static_cast<long long>(id.size),
                        static_cast<long long>(id.mtime_ns), static_cast<long long>(id.ctime_ns));
  return std::string(text, static_cast<size_t>(n));
}

}  // namespace

std::optional<BlobIdentity> IdentityOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return BlobIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                      static_cast<int64_t>(st.st_size), Ns(st.st_mtim), Ns(st.st_ctim)};
}

int64_t WallClockNs() {
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  return Ns(now);
}

bool VerifiedStamps::Covers(const std::string& hex, const BlobIdentity& identity) const {
  support::UniqueFd fd(::open(PathOf(hex).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  char text[160];
  ssize_t n = ::read(fd.Get(), text, sizeof text);
  return n > 0 && std::string(text, static_cast<size_t>(n)) == Encode(identity);
}

void VerifiedStamps::Record(const std::string& hex, const BlobIdentity& before,
                            const BlobIdentity& after, int64_t hashed_from_ns) const {
  if (!(before == after) || after.ctime_ns >= hashed_from_ns - kMarginNs ||
      after.mtime_ns >= hashed_from_ns - kMarginNs)
    return;
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) return;
  // No fsync: a stamp lost in a crash only costs a hash, and a torn one does not match. A temp
  // file left by a killed writer is swept by `strata gc` (it names no blob).
  support::AtomicWriteOptions options;
  options.mode = 0600;
  options.durable = false;
  llvm::consumeError(support::WriteFileAtomic(PathOf(hex), Encode(after), options));
}

void VerifiedStamps::Remove(const std::string& hex) const { ::unlink(PathOf(hex).c_str()); }

}  // namespace strata::store
