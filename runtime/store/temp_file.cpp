// Temp-file creation, atomic commit (fsync + rename + directory fsync) and stale-file cleanup.
#include "runtime/store/temp_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "compiler/support/atomic_file.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"

namespace strata::store {
namespace {

std::string UniqueName() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[80];
  snprintf(buf, sizeof buf, "%ld.%llu.%016llx", static_cast<long>(getpid()),
           static_cast<unsigned long long>(counter.fetch_add(1)),
           static_cast<unsigned long long>(rng()));
  return buf;
}

int FlockRetry(int fd, int op) {
  int rc;
  do rc = ::flock(fd, op);
  while (rc != 0 && errno == EINTR);
  return rc;
}

}  // namespace

llvm::Expected<TempFile> TempFile::Create(const std::string& tmp_dir, mode_t mode) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string path = tmp_dir + "/" + UniqueName();
    support::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (!fd) {
      if (errno == EEXIST) continue;
      return support::ErrnoError(errno, "cannot create temp file", path);
    }
    if (FlockRetry(fd.Get(), LOCK_EX) != 0) return support::ErrnoError(errno, "cannot lock", path);
    // A cleaner may have taken the lock between open and flock and unlinked the file.
    struct stat st;
    if (::fstat(fd.Get(), &st) != 0) return support::ErrnoError(errno, "cannot stat", path);
    if (st.st_nlink == 0) continue;
    return TempFile(std::move(fd), std::move(path));
  }
  return support::MakeError(std::errc::file_exists, "cannot create a temp file in " + tmp_dir);
}

TempFile::TempFile(TempFile&& other) noexcept
    : fd_(std::move(other.fd_)), path_(std::move(other.path_)) {
  other.path_.clear();
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    Discard();
    fd_ = std::move(other.fd_);
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempFile::~TempFile() { Discard(); }

void TempFile::Discard() {
  if (!path_.empty()) ::unlink(path_.c_str());
  path_.clear();
  fd_.Reset();
}

llvm::Error TempFile::WriteAll(const void* data, size_t size) {
  return support::WriteAll(fd_.Get(), data, size, path_);
}

llvm::Error TempFile::CommitReplace(const std::string& dest) {
  if (path_.empty())
    return support::MakeError(std::errc::invalid_argument, "temp file already committed");
  if (llvm::Error err = support::CommitTempFile(fd_, path_, dest)) return err;
  path_.clear();  // Now owned by its final name; never unlink it.
  return support::SyncDirectory(support::ParentDir(dest));
}

llvm::Expected<size_t> CleanStaleTempFiles(const std::string& tmp_dir) {
  support::UniqueFd dir_fd(::open(tmp_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) return support::ErrnoError(errno, "cannot open directory", tmp_dir);
  DIR* dir = ::fdopendir(::dup(dir_fd.Get()));
  if (dir == nullptr) return support::ErrnoError(errno, "cannot read directory", tmp_dir);
  size_t removed = 0;
  while (struct dirent* entry = ::readdir(dir)) {
    const char* name = entry->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    support::UniqueFd fd(
        ::openat(dir_fd.Get(), name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd) {
      // Not a regular openable file (e.g. a stray symlink): it is never trusted either.
      if (errno == ELOOP && ::unlinkat(dir_fd.Get(), name, 0) == 0) ++removed;
      continue;
    }
    // A busy lock means a live writer; a free one means its writer died (or just committed, in
    // which case the name is gone and unlinkat fails harmlessly).
    if (::flock(fd.Get(), LOCK_EX | LOCK_NB) != 0) continue;
    if (::unlinkat(dir_fd.Get(), name, 0) == 0) ++removed;
  }
  ::closedir(dir);
  return removed;
}

}  // namespace strata::store
