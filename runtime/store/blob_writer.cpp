// BlobWriter: temp file + running sha256, committed by rename to blobs/sha256/<hex>.
#include "runtime/store/blob_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/support/errno_error.h"
#include "compiler/support/file_read.h"
#include "compiler/support/unique_fd.h"
#include "runtime/store/names.h"

namespace strata::store {
namespace {

// Small blobs a warm build writes again (image configs, manifests) are usually there already:
// when the published file holds exactly these bytes, keeping it saves a file and a directory
// fsync per blob (most of a no-op build's wall time on a slow disk). A damaged copy fails the
// check and is replaced as before.
constexpr uint64_t kCheckExistingLimit = 64 * 1024;
constexpr uint64_t kWritebackStretch = 8 << 20;

bool HoldsDigest(const std::string& path, uint64_t size, const std::string& digest) {
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st;
  if (!fd || ::fstat(fd.Get(), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<uint64_t>(st.st_size) != size)
    return false;
  llvm::Expected<std::string> bytes = support::ReadAll(fd.Get(), path, size);
  if (!bytes) {
    llvm::consumeError(bytes.takeError());
    return false;
  }
  Sha256 hash;
  hash.Update(bytes->data(), bytes->size());
  return bytes->size() == size && hash.Digest() == digest;
}

// A larger blob is kept without a read when this process published or verified it (the trust
// set) and it still has its size: e.g. a COPY out of a stage whose layer is, byte for byte, the
// stage's own plain-tar layer (`COPY --from=builder /out /out` of a RUN that wrote /out) would
// otherwise replace a 50 MB blob with itself and wait for its fsync on the build's chain.
bool PublishedBySize(const std::string& path, uint64_t size) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         static_cast<uint64_t>(st.st_size) == size;
}

}  // namespace

llvm::Error BlobWriter::Write(const void* data, size_t size) {
  hash_.Update(data, size);
  return WriteFileOnly(data, size);
}

llvm::Error BlobWriter::WriteFileOnly(const void* data, size_t size) {
  size_ += size;
  if (llvm::Error err = file_.WriteAll(data, size)) return err;
  // Starts the disk writes of each full stretch now, without waiting for them: Commit's fsync
  // then waits only for the tail, instead of for the whole blob (0.44 s for a 300 MB layer)
  // after it has been written. Durability is unchanged: Commit still fsyncs before the rename.
  if (size_ - flushed_ >= kWritebackStretch) {
    ::sync_file_range(file_.Fd(), static_cast<off_t>(flushed_),
                      static_cast<off_t>(size_ - flushed_), SYNC_FILE_RANGE_WRITE);
    flushed_ = size_;
  }
  return llvm::Error::success();
}

llvm::Expected<std::string> BlobWriter::Commit() { return CommitExpecting(""); }

llvm::Expected<std::string> BlobWriter::CommitExpecting(llvm::StringRef expected) {
  std::string digest = hash_.Digest();
  if (!expected.empty() && expected != digest) {
    file_.Discard();
    return support::MakeError(std::errc::invalid_argument, "blob digest mismatch: expected " +
                                                               expected.str() + ", got " + digest);
  }
  std::string dest = blob_dir_ + "/" + DigestHex(digest).str();
  bool kept = size_ <= kCheckExistingLimit
                  ? HoldsDigest(dest, size_, digest)
                  : trust_ && trust_->IsVerified(digest) && PublishedBySize(dest, size_);
  if (expected.empty() && kept) {
    file_.Discard();
  } else if (llvm::Error err = file_.CommitReplace(dest)) {
    return err;
  }
  if (trust_) trust_->MarkVerified(digest);
  return digest;
}

}  // namespace strata::store
