// Store: directory layout, blob and node-record access, and per-key locks.
#include "runtime/store/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "compiler/support/errno_error.h"
#include "compiler/support/file_read.h"
#include "compiler/support/unique_fd.h"
#include "runtime/store/names.h"
#include "runtime/store/sha256.h"

namespace strata::store {
namespace {

constexpr mode_t kBlobMode = 0444;  // Blobs are immutable once published.
constexpr mode_t kRecordMode = 0644;
constexpr size_t kCopyBuffer = 1 << 20;
constexpr mode_t kPrivateDirMode = 0700;

// Reads `fd` to its end in kCopyBuffer chunks, handing each to `chunk` (retrying EINTR).
template <typename Chunk>
llvm::Error ReadChunks(int fd, const std::string& path, Chunk chunk) {
  std::vector<char> buf(kCopyBuffer);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return support::ErrnoError(errno, "cannot read", path);
    }
    if (n == 0) return llvm::Error::success();
    if (llvm::Error err = chunk(buf.data(), static_cast<size_t>(n))) return err;
  }
}

// mkdir -p: parents as the umask allows, the last component with `mode`.
llvm::Error MakeDirs(const std::string& path, mode_t mode) {
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), pos == path.size() ? mode : 0755) != 0 && errno != EEXIST)
      return support::ErrnoError(errno, "cannot create directory", prefix);
  }
  return llvm::Error::success();
}

// A directory of the store that only its owner may enter: extracted layers keep setuid files
// and device nodes, and work dirs hold build trees and secrets, so another local user must not
// reach them. A directory an older Strata made 0755 is tightened.
llvm::Error MakePrivateDir(const std::string& path) {
  if (::mkdir(path.c_str(), kPrivateDirMode) != 0) {
    // A read-only store opens for reading (commands that must write say so later).
    if (errno == EROFS) return llvm::Error::success();
    if (errno != EEXIST) return support::ErrnoError(errno, "cannot create directory", path);
  }
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return support::ErrnoError(errno, "cannot stat", path);
  if (!S_ISDIR(st.st_mode))
    return support::MakeError(std::errc::not_a_directory, "not a directory: " + path);
  // A read-only store cannot be tightened (nor written); it is still readable.
  if ((st.st_mode & 077) != 0 && st.st_uid == ::geteuid() &&
      ::chmod(path.c_str(), kPrivateDirMode) != 0 && errno != EROFS)
    return support::ErrnoError(errno, "cannot make private", path);
  return llvm::Error::success();
}

llvm::Error BadName(llvm::StringRef what, llvm::StringRef name) {
  return support::MakeError(std::errc::invalid_argument,
                            "malformed " + what.str() + ": '" + name.str() + "'");
}

}  // namespace

std::string Store::DefaultRoot() {
  return DefaultRoot(std::getenv("STRATA_STORE"), std::getenv("XDG_CACHE_HOME"),
                     std::getenv("HOME"));
}

std::string Store::DefaultRoot(const char* strata_store, const char* xdg_cache_home,
                               const char* home) {
  if (strata_store && *strata_store) return strata_store;
  if (xdg_cache_home && *xdg_cache_home) return std::string(xdg_cache_home) + "/strata";
  if (home && *home) return std::string(home) + "/.cache/strata";
  return "/tmp/strata-cache";
}

llvm::Expected<Store> Store::Open(const std::string& root) {
  if (root.empty()) return support::MakeError(std::errc::invalid_argument, "empty store root");
  std::string clean = root;
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  // A new root is private; an existing one keeps its mode (it may be a directory the user
  // shares on purpose), and every directory below it is private.
  if (llvm::Error err = MakeDirs(clean, kPrivateDirMode)) return err;
  for (const char* sub : {"/blobs", "/blobs/sha256", "/nodes", "/locks", "/tmp", "/layers", "/work",
                          "/artifacts", "/cache", "/roots"}) {
    if (llvm::Error err = MakePrivateDir(clean + sub)) return err;
  }
  Store store(clean);
  if (llvm::Expected<size_t> cleaned = store.CleanTemps(); !cleaned) return cleaned.takeError();
  return store;
}

std::string Store::BlobPath(llvm::StringRef digest) const {
  if (!IsValidDigest(digest)) return "";
  return root_ + "/blobs/sha256/" + DigestHex(digest).str();
}

bool Store::HasBlob(llvm::StringRef digest) const {
  std::string path = BlobPath(digest);
  struct stat st;
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

llvm::Expected<BlobWriter> Store::NewBlobWriter() const {
  llvm::Expected<TempFile> file = TempFile::Create(TmpDir(), kBlobMode);
  if (!file) return file.takeError();
  return BlobWriter(std::move(*file), root_ + "/blobs/sha256", trust_);
}

llvm::Expected<std::string> Store::PutBlobFromFile(const std::string& path) const {
  support::UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return support::ErrnoError(errno, "cannot open", path);
  llvm::Expected<BlobWriter> writer = NewBlobWriter();
  if (!writer) return writer.takeError();
  if (llvm::Error err = ReadChunks(
          in.Get(), path, [&](const char* data, size_t size) { return writer->Write(data, size); }))
    return err;
  return writer->Commit();
}

llvm::Expected<std::string> Store::PutBlobBytes(llvm::StringRef bytes) const {
  // A small blob a warm build publishes again (its image config and manifest) is usually
  // there with these very bytes: then no temp file and no EVP hash (whose first use costs a
  // no-op build ~2 ms of OpenSSL initialisation; sha256.cpp) are needed. A damaged or missing
  // copy is written as before.
  if (bytes.size() <= 64 * 1024) {
    std::string digest = Sha256Digest(bytes.data(), bytes.size());
    std::string path = BlobPath(digest);
    support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st;
    if (fd && ::fstat(fd.Get(), &st) == 0 && S_ISREG(st.st_mode) &&
        static_cast<uint64_t>(st.st_size) == bytes.size()) {
      llvm::Expected<std::string> held = support::ReadAll(fd.Get(), path, bytes.size());
      if (held && *held == bytes) {
        trust_->MarkVerified(digest);
        return digest;
      }
      if (!held) llvm::consumeError(held.takeError());
    }
  }
  llvm::Expected<BlobWriter> writer = NewBlobWriter();
  if (!writer) return writer.takeError();
  if (llvm::Error err = writer->Write(bytes)) return err;
  return writer->Commit();
}

llvm::Error Store::CheckBlob(llvm::StringRef digest) const {
  if (trust_->IsVerified(digest.str())) return llvm::Error::success();
  std::string path = BlobPath(digest);
  if (!path.empty()) {
    std::optional<BlobIdentity> identity = IdentityOf(path);
    if (identity && stamps_.Covers(DigestHex(digest).str(), *identity)) {
      trust_->MarkVerified(digest.str());
      return llvm::Error::success();
    }
  }
  return VerifyBlob(digest);
}

llvm::Expected<std::string> Store::HashBlob(llvm::StringRef digest) const {
  std::string path = BlobPath(digest);
  if (path.empty()) return BadName("digest", digest);
  support::UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) {
    if (errno == ENOENT)
      return support::MakeError(std::errc::no_such_file_or_directory,
                                "blob " + digest.str() + " is not in the store");
    return support::ErrnoError(errno, "cannot open", path);
  }
  Sha256 hash;
  if (llvm::Error err = ReadChunks(in.Get(), path, [&](const char* data, size_t size) {
        hash.Update(data, size);
        return llvm::Error::success();
      }))
    return err;
  return hash.Digest();
}

llvm::Error Store::VerifyBlob(llvm::StringRef digest) const {
  std::string path = BlobPath(digest);
  int64_t hashed_from = WallClockNs();
  std::optional<BlobIdentity> before = path.empty() ? std::nullopt : IdentityOf(path);
  llvm::Expected<std::string> hashed = HashBlob(digest);
  if (!hashed) return hashed.takeError();
  trust_->CountHashed();
  const std::string& actual = *hashed;
  std::string hex = DigestHex(digest).str();
  if (actual == digest) {
    trust_->MarkVerified(digest.str());
    std::optional<BlobIdentity> after = IdentityOf(path);
    if (before && after) stamps_.Record(hex, *before, *after, hashed_from);
    return llvm::Error::success();
  }
  stamps_.Remove(hex);
  // Never let these bytes out again: whatever names the blob is rebuilt or refetched.
  trust_->Forget(digest.str());
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return support::ErrnoError(errno, "cannot remove corrupt blob", path);
  trust_->CountRemoved();
  return support::MakeError(std::errc::illegal_byte_sequence,
                            "store blob " + digest.str() + " is corrupt (its bytes hash to " +
                                actual + "); removed it from the store " + root_ +
                                ", so the next build rebuilds or refetches it");
}

llvm::Error Store::PutNodeRecord(llvm::StringRef key, const nlohmann::json& record) const {
  if (!IsValidKey(key)) return BadName("derivation key", key);
  llvm::Expected<TempFile> file = TempFile::Create(TmpDir(), kRecordMode);
  if (!file) return file.takeError();
  std::string text = record.dump(2) + "\n";
  if (llvm::Error err = file->WriteAll(text.data(), text.size())) return err;
  return file->CommitReplace(root_ + "/nodes/" + key.str() + ".json");
}

llvm::Expected<std::optional<nlohmann::json>> Store::GetNodeRecord(llvm::StringRef key) const {
  if (!IsValidKey(key)) return BadName("derivation key", key);
  std::string path = root_ + "/nodes/" + key.str() + ".json";
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    return support::ErrnoError(errno, "cannot open", path);
  }
  llvm::Expected<std::string> text = support::ReadAll(fd.Get(), path);
  if (!text) return text.takeError();
  nlohmann::json record = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  // Records are only ever published whole, so this means outside tampering, not a torn write.
  if (record.is_discarded())
    return support::MakeError(std::errc::illegal_byte_sequence, "corrupt node record: " + path);
  return std::optional<nlohmann::json>(std::move(record));
}

llvm::Expected<support::UniqueFd> Store::OpenLockFile(llvm::StringRef key) const {
  if (!IsValidKey(key)) return BadName("derivation key", key);
  std::string path = root_ + "/locks/" + key.str() + ".lock";
  support::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) return support::ErrnoError(errno, "cannot open lock", path);
  return fd;
}

llvm::Expected<KeyLock> Store::LockKey(llvm::StringRef key) const {
  llvm::Expected<support::UniqueFd> fd = OpenLockFile(key);
  if (!fd) return fd.takeError();
  int rc;
  do rc = ::flock(fd->Get(), LOCK_EX);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) return support::ErrnoError(errno, "cannot lock key", key);
  return KeyLock(std::move(*fd));
}

llvm::Expected<std::optional<KeyLock>> Store::TryLockKey(llvm::StringRef key) const {
  llvm::Expected<support::UniqueFd> fd = OpenLockFile(key);
  if (!fd) return fd.takeError();
  if (::flock(fd->Get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return std::nullopt;
    return support::ErrnoError(errno, "cannot lock key", key);
  }
  return std::optional<KeyLock>(KeyLock(std::move(*fd)));
}

llvm::Expected<size_t> Store::CleanTemps() const { return CleanStaleTempFiles(TmpDir()); }

}  // namespace strata::store
