// ADD of a local tar archive, unpacked through the symlinks of the image it lands in.
#include "runtime/schedule/extract_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <vector>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/exec/scratch_dir.h"
#include "runtime/oci/file_capability.h"
#include "runtime/oci/tree_scan.h"
#include "runtime/schedule/root_path.h"

namespace strata::schedule {
namespace {

llvm::Error ExtractError(const ExtractRequest& request, const std::string& message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                 "ADD " + request.dest + ": " + message);
}

// An archive entry's path as components relative to the destination ("./a/../b" -> b; a
// leading '/' is dropped, as tar does), or nullopt when `..` climbs out of it.
std::optional<std::vector<std::string>> ArchivePath(const char* raw) {
  std::vector<std::string> kept;
  for (const std::string& part : PathSegments(raw ? raw : "")) {
    if (part == ".") continue;
    if (part == "..") {
      if (kept.empty()) return std::nullopt;
      kept.pop_back();
    } else {
      kept.push_back(part);
    }
  }
  return kept;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string path;
  for (const std::string& part : parts) path += "/" + part;
  return path;
}

// The destination as the layer leaves it: `top` (what is unpacked so far) over `base` (the
// image's directory at dest), as the kernel would see it inside Docker's chroot.
class MergedView {
 public:
  MergedView(const ExtractRequest& request, std::string top)
      : request_(request), top_(std::move(top)) {}

  // The directory `parts` resolves to, symlinks followed; missing directories are made in
  // top_ when `create` (the image's metadata for those the image has).
  llvm::Expected<std::vector<std::string>> ResolveDir(const std::vector<std::string>& parts,
                                                      bool create, const std::string& entry) {
    std::deque<std::pair<std::string, bool>> todo;  // component, from a symlink's target
    for (const std::string& part : parts) todo.emplace_back(part, false);
    std::vector<std::string> current;
    int links = 0;
    while (!todo.empty()) {
      auto [name, from_link] = todo.front();
      todo.pop_front();
      if (name == ".") continue;
      if (name == "..") {  // the chroot's root is its own parent
        if (!current.empty()) current.pop_back();
        continue;
      }
      current.push_back(name);
      std::string path = Join(current);
      struct stat st;
      bool in_top = ::lstat((top_ + path).c_str(), &st) == 0;
      bool in_base =
          !in_top && BaseShows(current) && ::lstat((request_.view_base + path).c_str(), &st) == 0;
      if (!in_top && !in_base) {
        if (from_link || !create)
          return ExtractError(
              request_, "cannot extract '" + entry + "': " + path + ": no such file or directory");
        if (llvm::Error err = MakeDir(current)) return err;
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        if (!in_top && create)
          if (llvm::Error err = MakeDir(current)) return err;
        continue;
      }
      if (!S_ISLNK(st.st_mode))
        return ExtractError(request_,
                            "cannot extract '" + entry + "': " + path + " is not a directory");
      if (++links > 40)
        return ExtractError(request_,
                            "cannot extract '" + entry + "': too many levels of symlinks");
      char target[PATH_MAX];
      ssize_t size = ::readlink(((in_top ? top_ : request_.view_base) + path).c_str(), target,
                                sizeof(target) - 1);
      if (size < 0) return support::ErrnoError(errno, "cannot read symlink", path);
      target[size] = '\0';
      current.pop_back();
      if (target[0] == '/') current.clear();
      std::vector<std::string> segments = PathSegments(target);
      for (auto it = segments.rbegin(); it != segments.rend(); ++it) todo.emplace_front(*it, true);
    }
    return current;
  }

 private:
  // Whether the image shows through at `parts`: each ancestor is a real directory in the image
  // (a symlink there was replaced by a directory of the layer, which hides what it pointed to).
  bool BaseShows(const std::vector<std::string>& parts) const {
    std::string path;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      path += "/" + parts[i];
      struct stat st;
      if (::lstat((request_.view_base + path).c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return false;
    }
    return true;
  }

  llvm::Error MakeDir(const std::vector<std::string>& parts) {
    std::string path = Join(parts);
    std::string host = top_ + path;
    if (::mkdir(host.c_str(), 0755) != 0 && errno != EEXIST)
      return support::ErrnoError(errno, "cannot create", host);
    struct stat base;
    bool shows = BaseShows(parts) && ::lstat((request_.view_base + path).c_str(), &base) == 0 &&
                 S_ISDIR(base.st_mode);
    mode_t mode = shows ? (base.st_mode & 07777) : 0755;
    if (shows && ::lchown(host.c_str(), base.st_uid, base.st_gid) != 0)
      return support::ErrnoError(errno, "cannot chown", host);
    if (::chmod(host.c_str(), mode) != 0) return support::ErrnoError(errno, "cannot chmod", host);
    return llvm::Error::success();
  }

  const ExtractRequest& request_;
  std::string top_;
};

// The entry's security.capability xattr (pax SCHILY.xattr or LIBARCHIVE.xattr), or "".
std::string EntryCapability(archive_entry* entry) {
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  archive_entry_xattr_reset(entry);
  while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK)
    if (name != nullptr && std::strcmp(name, oci::kCapabilityXattr) == 0)
      return std::string(static_cast<const char*>(value), size);
  return std::string();
}

// The archive file read for libarchive through a callback, every byte hashed on the way.
class HashingFile {
 public:
  llvm::Error Open(const std::string& path) {
    fd_ = support::UniqueFd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd_) return support::ErrnoError(errno, "cannot open", path);
    XXH3_128bits_reset(state_.get());
    return llvm::Error::success();
  }
  static la_ssize_t Read(archive* handle, void* client, const void** block) {
    auto* self = static_cast<HashingFile*>(client);
    ssize_t n = self->ReadChunk();
    if (n < 0)
      archive_set_error(handle, errno, "cannot read the archive: %s", std::strerror(errno));
    *block = self->buffer_.data();
    return n;
  }
  // Reads and hashes what libarchive left after the end-of-archive blocks; the file's digest.
  llvm::Expected<XXH128_hash_t> Finish(const std::string& path) {
    while (true) {
      ssize_t n = ReadChunk();
      if (n < 0) return support::ErrnoError(errno, "cannot read", path);
      if (n == 0) return XXH3_128bits_digest(state_.get());
    }
  }

 private:
  ssize_t ReadChunk() {
    ssize_t n;
    do n = ::read(fd_.Get(), buffer_.data(), buffer_.size());
    while (n < 0 && errno == EINTR);
    if (n > 0) XXH3_128bits_update(state_.get(), buffer_.data(), static_cast<size_t>(n));
    return n;
  }
  support::UniqueFd fd_;
  std::vector<char> buffer_ = std::vector<char>(1 << 16);
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> state_{XXH3_createState(),
                                                                         XXH3_freeState};
};

struct ReadArchiveDeleter {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
struct WriteArchiveDeleter {
  void operator()(archive* handle) const { archive_write_free(handle); }
};

}  // namespace

llvm::Error ExtractArchive(const ExtractRequest& request) {
  std::unique_ptr<archive, ReadArchiveDeleter> reader(archive_read_new());
  std::unique_ptr<archive, WriteArchiveDeleter> writer(archive_write_disk_new());
  if (!reader || !writer) return ExtractError(request, "cannot allocate an archive reader");
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  // Paths are resolved before writing (MergedView), so they have no symlink on the way: the
  // secure flags are a second line of defence.
  archive_write_disk_set_options(
      writer.get(), ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                        ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  std::unique_ptr<char, decltype(&std::free)> canonical(
      ::realpath(request.unpacked.c_str(), nullptr), &std::free);
  if (!canonical) return support::ErrnoError(errno, "cannot resolve", request.unpacked);
  const std::string root = canonical.get();
  MergedView view(request, root);
  HashingFile file;
  if (llvm::Error err = file.Open(request.archive)) return err;
  if (archive_read_open(reader.get(), &file, nullptr, HashingFile::Read, nullptr) != ARCHIVE_OK)
    return ExtractError(request, "cannot read archive '" + request.archive +
                                     "': " + archive_error_string(reader.get()));
  while (true) {
    archive_entry* entry = nullptr;
    int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      return ExtractError(request,
                          std::string("malformed archive: ") + archive_error_string(reader.get()));
    const std::string raw = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    std::optional<std::vector<std::string>> parts = ArchivePath(raw.c_str());
    if (!parts) return ExtractError(request, "archive entry '" + raw + "' escapes the destination");
    if (parts->empty()) continue;  // "./": the destination itself
    std::string name = parts->back();
    parts->pop_back();
    llvm::Expected<std::vector<std::string>> dir = view.ResolveDir(*parts, /*create=*/true, raw);
    if (!dir) return dir.takeError();
    std::string path = root + Join(*dir) + "/" + name;
    bool is_dir = archive_entry_filetype(entry) == AE_IFDIR;
    // Docker's untar: an existing path is removed unless both are directories.
    struct stat existing;
    if (::lstat(path.c_str(), &existing) == 0 && !(is_dir && S_ISDIR(existing.st_mode)))
      if (llvm::Error err = exec::RemoveTree(path)) return err;
    if (const char* link = archive_entry_hardlink(entry)) {
      std::optional<std::vector<std::string>> link_parts = ArchivePath(link);
      if (!link_parts || link_parts->empty())
        return ExtractError(request,
                            "hard link '" + raw + "' -> '" + link + "' escapes the destination");
      std::string link_name = link_parts->back();
      link_parts->pop_back();
      llvm::Expected<std::vector<std::string>> link_dir =
          view.ResolveDir(*link_parts, /*create=*/false, raw);
      if (!link_dir) return link_dir.takeError();
      archive_entry_copy_hardlink(entry, (root + Join(*link_dir) + "/" + link_name).c_str());
    }
    archive_entry_copy_pathname(entry, path.c_str());
    if (request.chown) {
      archive_entry_set_uid(entry, request.chown->first);
      archive_entry_set_gid(entry, request.chown->second);
      archive_entry_set_uname(entry, nullptr);
      archive_entry_set_gname(entry, nullptr);
    }
    if (request.chmod && archive_entry_filetype(entry) != AE_IFLNK)
      archive_entry_set_perm(entry, *request.chmod);
    status = archive_write_header(writer.get(), entry);
    if (status >= ARCHIVE_WARN && archive_entry_size(entry) > 0) {
      const void* block = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      while ((status = archive_read_data_block(reader.get(), &block, &size, &offset)) == ARCHIVE_OK)
        if (archive_write_data_block(writer.get(), block, size, offset) < ARCHIVE_WARN) {
          status = ARCHIVE_FATAL;
          break;
        }
      if (status == ARCHIVE_EOF) status = ARCHIVE_OK;
    }
    if (status < ARCHIVE_WARN || archive_write_finish_entry(writer.get()) < ARCHIVE_WARN)
      return ExtractError(
          request, "cannot extract '" + raw + "': " +
                       (archive_error_string(writer.get()) ? archive_error_string(writer.get())
                                                           : archive_error_string(reader.get())));
    // A file's capability, as Docker's untar applies it (and only that xattr: the layer keeps
    // no other), after finish_entry's chown, which would drop it.
    if (archive_entry_filetype(entry) == AE_IFREG && archive_entry_hardlink(entry) == nullptr)
      if (llvm::Error err = oci::WriteFileCapability(path, EntryCapability(entry))) return err;
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK)
    return ExtractError(request, archive_error_string(writer.get()));
  llvm::Expected<XXH128_hash_t> digest = file.Finish(request.archive);
  if (!digest) return digest.takeError();
  if (request.content &&
      (digest->high64 != request.content->first || digest->low64 != request.content->second))
    return oci::ChangedDuringBuild(request.archive);
  return llvm::Error::success();
}

}  // namespace strata::schedule
