// EntryExtractor: one tar entry -> a file, directory, link, device or overlayfs whiteout,
// created with *at() calls relative to directories opened without following symlinks.
#include "runtime/oci/extract_entry.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {
namespace {

constexpr const char* kWhiteoutPrefix = ".wh.";
constexpr const char* kWhiteoutMetaPrefix = ".wh..wh.";
constexpr const char* kOpaqueMarker = ".wh..wh..opq";
constexpr const char* kOpaqueXattr = "trusted.overlay.opaque";
constexpr off_t kWritebackStretch = 8 << 20;

bool StartsWith(const std::string& s, const char* prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}

// overlayfs reads these from lower dirs; a layer must not smuggle in redirects or opaque marks.
bool IsOverlayXattr(const char* name) {
  return StartsWith(name, "trusted.overlay.") || StartsWith(name, "user.overlay.");
}

// Not being root (rootless use) means owners cannot be set; everything else still works.
bool IgnorableChownError(int err) { return err == EPERM && ::geteuid() != 0; }

}  // namespace

llvm::Error EntryExtractor::EntryError(const std::string& path, const llvm::Twine& message) const {
  return support::MakeError(std::errc::invalid_argument,
                            layer_ + ": entry '" + path + "' " + message);
}

llvm::Error EntryExtractor::Extract(struct archive* a, struct archive_entry* e) {
  const char* raw = archive_entry_pathname(e);
  std::string path = raw ? raw : "";
  std::vector<std::string> parts;
  if (!SplitTarPath(path, parts)) return EntryError(path, "escapes the layer root");
  if (parts.empty()) return llvm::Error::success();  // "./": the root itself.
  if (StartsWith(parts.back(), kWhiteoutPrefix)) return Whiteout(path, parts);

  llvm::Expected<support::UniqueFd> parent = root_.OpenDir(parts, parts.size() - 1, true);
  if (!parent) return EntryError(path, llvm::toString(parent.takeError()));
  const std::string& name = parts.back();
  int pfd = parent->Get();

  if (const char* hardlink = archive_entry_hardlink(e)) {
    std::vector<std::string> target;
    if (!SplitTarPath(hardlink, target) || target.empty())
      return EntryError(
          path, "is a hard link to '" + std::string(hardlink) + "', which escapes the layer root");
    llvm::Expected<support::UniqueFd> target_parent =
        root_.OpenDir(target, target.size() - 1, false);
    if (!target_parent) {
      std::error_code code = llvm::errorToErrorCode(target_parent.takeError());
      std::string target_path = JoinParts(target, target.size());
      if (code == std::errc::no_such_file_or_directory)
        return EntryError(path, "is a hard link to '" + target_path +
                                    "', which is not in the layer (its directory '" +
                                    JoinParts(target, target.size() - 1) + "' is missing)");
      if (code == std::errc::too_many_symbolic_link_levels || code == std::errc::not_a_directory)
        return EntryError(path, "is a hard link to '" + target_path +
                                    "', whose path goes through a symlink or a "
                                    "file (not allowed: it could reach outside the layer)");
      return EntryError(path, "is a hard link to '" + target_path +
                                  "', whose directory cannot be opened: " + code.message());
    }
    if (JoinParts(target, target.size()) == JoinParts(parts, parts.size()))
      return llvm::Error::success();
    if (llvm::Error err = RemoveAt(pfd, name))
      return EntryError(path, llvm::toString(std::move(err)));
    // No AT_SYMLINK_FOLLOW: a link to a symlink links the symlink itself.
    if (::linkat(target_parent->Get(), target.back().c_str(), pfd, name.c_str(), 0) != 0)
      return EntryError(
          path, "cannot be linked to '" + std::string(hardlink) + "': " + std::strerror(errno));
    return llvm::Error::success();
  }

  mode_t type = archive_entry_filetype(e);
  struct stat st;
  bool exists = ::fstatat(pfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  // As Docker: an existing entry is replaced unless both are directories (then merged).
  if (exists && !(S_ISDIR(st.st_mode) && type == AE_IFDIR)) {
    if (llvm::Error err = RemoveAt(pfd, name))
      return EntryError(path, llvm::toString(std::move(err)));
    exists = false;
  }
  switch (type) {
    case AE_IFDIR: {
      if (!exists && ::mkdirat(pfd, name.c_str(), 0700) != 0)
        return EntryError(path, llvm::Twine("cannot be created: ") + std::strerror(errno));
      support::UniqueFd dir(
          ::openat(pfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!dir) return EntryError(path, llvm::Twine("cannot be opened: ") + std::strerror(errno));
      if (llvm::Error err = Metadata(e, pfd, name, dir.Get(), path)) return err;
      dir_times_.push_back({parts, {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}});
      return llvm::Error::success();
    }
    case AE_IFREG:
      return WriteFile(a, e, pfd, name, path);
    case AE_IFLNK: {
      const char* target = archive_entry_symlink(e);
      // The target is stored as is: it is never followed here, and inside a container it
      // resolves within the container's root.
      if (!target || ::symlinkat(target, pfd, name.c_str()) != 0)
        return EntryError(path, llvm::Twine("cannot be created: ") + std::strerror(errno));
      return Metadata(e, pfd, name, -1, path);
    }
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO: {
      dev_t dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
      if (::mknodat(pfd, name.c_str(), type | 0600, type == AE_IFIFO ? 0 : dev) != 0)
        return EntryError(path, llvm::Twine("cannot be created: ") + std::strerror(errno));
      return Metadata(e, pfd, name, -1, path);
    }
    default:
      return llvm::Error::success();  // Sockets and unknown kinds are not carried by layers.
  }
}

llvm::Error EntryExtractor::Whiteout(const std::string& path,
                                     const std::vector<std::string>& parts) {
  const std::string& base = parts.back();
  llvm::Expected<support::UniqueFd> parent = root_.OpenDir(parts, parts.size() - 1, true);
  if (!parent) return EntryError(path, llvm::toString(parent.takeError()));
  if (base == kOpaqueMarker) {
    if (::fsetxattr(parent->Get(), kOpaqueXattr, "y", 1, 0) != 0)
      return EntryError(path, llvm::Twine("cannot mark its directory opaque (") + kOpaqueXattr +
                                  "): " + std::strerror(errno));
    return llvm::Error::success();
  }
  if (StartsWith(base, kWhiteoutMetaPrefix)) return llvm::Error::success();  // aufs metadata.
  std::string name = base.substr(std::strlen(kWhiteoutPrefix));
  if (name.empty() || name == "." || name == "..")
    return EntryError(path, "is not a valid whiteout");
  if (llvm::Error err = RemoveAt(parent->Get(), name))
    return EntryError(path, llvm::toString(std::move(err)));
  if (::mknodat(parent->Get(), name.c_str(), S_IFCHR | 0600, makedev(0, 0)) != 0)
    return EntryError(path,
                      llvm::Twine("cannot become an overlayfs whiteout: ") + std::strerror(errno));
  return llvm::Error::success();
}

llvm::Error EntryExtractor::WriteFile(struct archive* a, struct archive_entry* e, int parent,
                                      const std::string& name, const std::string& path) {
  support::UniqueFd fd(
      ::openat(parent, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return EntryError(path, llvm::Twine("cannot be created: ") + std::strerror(errno));
  // A file that will be fsynced has its writeback started every kWritebackStretch bytes and
  // at its end, so that the fsync waits only for what is still in flight.
  bool kept = sync_files_ && files_ < kSyncedFiles;
  off_t written = 0, flushed = 0;
  char buf[1 << 16];
  for (;;) {
    if (kept && written - flushed >= kWritebackStretch) {
      ::sync_file_range(fd.Get(), flushed, written - flushed, SYNC_FILE_RANGE_WRITE);
      flushed = written;
    }
    la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n < 0) {
      const char* msg = archive_error_string(a);
      return EntryError(path, llvm::Twine("cannot be read: ") + (msg ? msg : "truncated layer"));
    }
    if (n == 0) break;
    for (la_ssize_t done = 0; done < n;) {
      ssize_t w = ::write(fd.Get(), buf + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return EntryError(path, llvm::Twine("cannot be written: ") + std::strerror(errno));
      done += w;
    }
    written += n;
  }
  if (llvm::Error err = Metadata(e, parent, name, fd.Get(), path)) return err;
  if (!sync_files_ || ++files_ > kSyncedFiles) {
    files_to_sync_.clear();  // past the limit: the caller syncs the file system instead
    file_paths_to_sync_.clear();
    return llvm::Error::success();
  }
  if (written > flushed)
    ::sync_file_range(fd.Get(), flushed, written - flushed, SYNC_FILE_RANGE_WRITE);
  files_to_sync_.push_back(std::move(fd));
  file_paths_to_sync_.push_back(path);
  return llvm::Error::success();
}

llvm::Error EntryExtractor::Metadata(struct archive_entry* e, int parent, const std::string& name,
                                     int fd, const std::string& path) {
  uid_t uid = static_cast<uid_t>(archive_entry_uid(e));
  gid_t gid = static_cast<gid_t>(archive_entry_gid(e));
  int rc = fd >= 0 ? ::fchown(fd, uid, gid)
                   : ::fchownat(parent, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW);
  if (rc != 0 && !IgnorableChownError(errno))
    return EntryError(path, llvm::Twine("cannot be chowned: ") + std::strerror(errno));
  bool symlink = archive_entry_filetype(e) == AE_IFLNK;
  mode_t perm = archive_entry_perm(e) & 07777;
  // After chown, which clears setuid/setgid bits.
  if (!symlink) {
    rc = fd >= 0 ? ::fchmod(fd, perm) : ::fchmodat(parent, name.c_str(), perm, 0);
    if (rc != 0) return EntryError(path, llvm::Twine("cannot be chmoded: ") + std::strerror(errno));
  }
  if (fd >= 0) {
    const char* key;
    const void* value;
    size_t size;
    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &key, &value, &size) == ARCHIVE_OK) {
      if (IsOverlayXattr(key)) continue;
      if (::fsetxattr(fd, key, value, size, 0) != 0 && errno != ENOTSUP)
        return EntryError(path,
                          llvm::Twine("cannot get xattr ") + key + ": " + std::strerror(errno));
    }
  }
  if (archive_entry_filetype(e) == AE_IFDIR) return llvm::Error::success();  // See Finish.
  struct timespec times[2] = {{archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
                              {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
  rc = fd >= 0 ? ::futimens(fd, times)
               : ::utimensat(parent, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
  if (rc != 0)
    return EntryError(path, llvm::Twine("cannot get its mtime: ") + std::strerror(errno));
  return llvm::Error::success();
}

llvm::Error EntryExtractor::Finish() {
  for (const DirTime& dir : dir_times_) {
    llvm::Expected<support::UniqueFd> parent =
        root_.OpenDir(dir.parts, dir.parts.size() - 1, false);
    if (!parent) {
      llvm::consumeError(parent.takeError());  // Replaced by a later entry: nothing to date.
      continue;
    }
    struct timespec times[2] = {dir.mtime, dir.mtime};
    if (::utimensat(parent->Get(), dir.parts.back().c_str(), times, AT_SYMLINK_NOFOLLOW) != 0 &&
        errno != ENOENT)
      return support::ErrnoError(errno, layer_ + ": cannot set the mtime of",
                                 JoinParts(dir.parts, dir.parts.size()));
  }
  return llvm::Error::success();
}

}  // namespace strata::oci
