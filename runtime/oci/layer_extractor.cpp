// ExtractLayer: blob -> LayerStream (decompress + diff_id) -> libarchive tar reader ->
// EntryExtractor, into a private dir under <store>/tmp, renamed to <store>/layers/<hex>.
#include "runtime/oci/layer_extractor.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "compiler/support/atomic_file.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/oci/extract_entry.h"
#include "runtime/oci/file_copy.h"
#include "runtime/oci/layer_stream.h"
#include "runtime/oci/rooted_dir.h"
#include "runtime/store/names.h"
#include "runtime/store/sync_together.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {
namespace {

constexpr const char* kExtractPrefix = "layer-";

// The tar reader pulls decompressed bytes through this; libarchive callbacks cannot carry an
// llvm::Error, so the first one waits here.
struct PullSource {
  ~PullSource() { llvm::consumeError(std::move(error)); }
  LayerStream* stream = nullptr;
  std::vector<char> buffer = std::vector<char>(1 << 20);
  llvm::Error error = llvm::Error::success();
  bool failed = false;
};

la_ssize_t PullRead(struct archive*, void* client, const void** out) {
  auto* source = static_cast<PullSource*>(client);
  llvm::Expected<size_t> n = source->stream->Read(source->buffer.data(), source->buffer.size());
  if (!n) {
    source->error = n.takeError();
    source->failed = true;
    return -1;
  }
  *out = source->buffer.data();
  return static_cast<la_ssize_t>(*n);
}

struct ReadFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

// A private extraction dir in <store>/tmp, flocked for its lifetime so that cleaners (below)
// leave it alone, and removed unless published.
class ExtractDir {
 public:
  static llvm::Expected<ExtractDir> Create(const std::string& tmp_dir, const std::string& hex) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string tmpl = tmp_dir + "/" + kExtractPrefix + hex.substr(0, 16) + "-XXXXXX";
      if (::mkdtemp(tmpl.data()) == nullptr)
        return support::ErrnoError(errno, "cannot create", tmpl);
      support::UniqueFd fd(::open(tmpl.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!fd && errno == ENOENT) continue;  // A cleaner removed it before we opened it.
      if (!fd) return support::ErrnoError(errno, "cannot open", tmpl);
      while (::flock(fd.Get(), LOCK_EX) != 0)
        if (errno != EINTR) return support::ErrnoError(errno, "cannot lock", tmpl);
      struct stat st;
      if (::fstat(fd.Get(), &st) != 0) return support::ErrnoError(errno, "cannot stat", tmpl);
      if (st.st_nlink == 0) continue;  // A cleaner removed it before we locked it.
      return ExtractDir(std::move(fd), tmpl);
    }
    return support::MakeError(std::errc::file_exists,
                              "cannot create an extraction dir in " + tmp_dir);
  }
  ExtractDir(ExtractDir&&) noexcept = default;
  ~ExtractDir() {
    if (!path_.empty()) llvm::consumeError(RemoveAt(AT_FDCWD, path_));
  }
  int Fd() const { return fd_.Get(); }
  const std::string& Path() const { return path_; }
  void Published() { path_.clear(); }

 private:
  ExtractDir(support::UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  support::UniqueFd fd_;
  std::string path_;
};

// Removes extraction dirs whose extractor died (their flock is free).
void CleanStaleExtractDirs(const std::string& tmp_dir) {
  support::UniqueFd dir_fd(::open(tmp_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) return;
  DIR* dir = ::fdopendir(::fcntl(dir_fd.Get(), F_DUPFD_CLOEXEC, 0));
  if (dir == nullptr) return;
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(dir))
    if (std::strncmp(entry->d_name, kExtractPrefix, std::strlen(kExtractPrefix)) == 0)
      names.push_back(entry->d_name);
  ::closedir(dir);
  for (const std::string& name : names) {
    support::UniqueFd fd(
        ::openat(dir_fd.Get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    // Keep the lock while removing, so a fresh extractor that wins the race sees nlink 0.
    if (!fd || ::flock(fd.Get(), LOCK_EX | LOCK_NB) != 0) continue;
    llvm::consumeError(RemoveAt(dir_fd.Get(), name));
  }
}

// `files_to_sync`: on return, the layer's regular files kept open for their fsync when there
// are few enough of them (EntryExtractor::SyncFiles), else empty with `small` false.
llvm::Error Unpack(const LayerDescriptor& layer, const std::string& blob, const ExtractDir& dir,
                   bool& small, std::vector<support::UniqueFd>& files_to_sync,
                   std::vector<std::string>& file_paths) {
  std::string what = "layer " + layer.digest;
  llvm::Expected<LayerStream> stream = LayerStream::Open(blob);
  if (!stream) return stream.takeError();
  PullSource source;
  source.stream = &*stream;
  std::unique_ptr<struct archive, ReadFree> a(archive_read_new());
  if (!a) return support::MakeError(std::errc::not_enough_memory, "out of memory");
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  auto tar_error = [&](const std::string& where) -> llvm::Error {
    if (source.failed) return std::move(source.error);
    const char* msg = archive_error_string(a.get());
    return support::MakeError(std::errc::illegal_byte_sequence,
                              what + ": " + where + ": " + (msg ? msg : "not a tar archive"));
  };
  if (archive_read_open(a.get(), &source, nullptr, PullRead, nullptr) != ARCHIVE_OK)
    return tar_error("cannot read");

  support::UniqueFd root(::fcntl(dir.Fd(), F_DUPFD_CLOEXEC, 0));
  RootedDir rooted(std::move(root));
  EntryExtractor extractor(rooted, what);
  extractor.SyncFiles();
  struct archive_entry* e;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
    if (llvm::Error err = extractor.Extract(a.get(), e)) {
      if (source.failed) {
        llvm::consumeError(std::move(err));
        return std::move(source.error);
      }
      return err;
    }
  }
  if (rc != ARCHIVE_EOF) return tar_error("malformed tar");
  if (llvm::Error err = extractor.Finish()) return err;
  small = extractor.SyncedEveryFile();
  if (small) {
    files_to_sync = std::move(extractor.FilesToSync());
    file_paths = extractor.FilePathsToSync();
  }
  llvm::Expected<std::string> diff_id = stream->Finish();
  if (!diff_id) return diff_id.takeError();
  if (*diff_id != layer.diff_id)
    return support::MakeError(std::errc::illegal_byte_sequence,
                              what + ": diff_id mismatch: the image says " + layer.diff_id +
                                  ", the layer's tar is " + *diff_id);
  return llvm::Error::success();
}

// Opens every directory of the tree at `fd` (`fd` itself last) into `dirs`, unless there are
// more than `budget`: then false, and the caller syncs the file system instead.
llvm::Expected<bool> ListDirs(int fd, const std::string& path, int& budget,
                              std::vector<support::UniqueFd>& dirs,
                              std::vector<std::string>& paths) {
  if (--budget < 0) return false;
  DIR* dir = ::fdopendir(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (dir == nullptr) return support::ErrnoError(errno, "cannot read", path);
  std::vector<std::string> subdirs;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    if (entry->d_type == DT_DIR ||
        (entry->d_type == DT_UNKNOWN &&
         ::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)))
      subdirs.push_back(std::move(name));
  }
  ::closedir(dir);
  for (const std::string& name : subdirs) {
    support::UniqueFd child(
        ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!child) return support::ErrnoError(errno, "cannot open", path + "/" + name);
    llvm::Expected<bool> listed = ListDirs(child.Get(), path + "/" + name, budget, dirs, paths);
    if (!listed || !*listed) return listed;
    dirs.push_back(std::move(child));
    paths.push_back(path + "/" + name);
  }
  return true;
}

}  // namespace

llvm::Expected<std::string> ExtractLayer(const store::Store& store, const LayerDescriptor& layer) {
  if (!store::IsValidDigest(layer.digest) || !store::IsValidDigest(layer.diff_id))
    return support::MakeError(std::errc::invalid_argument,
                              "layer '" + layer.digest + "': invalid digest or diff_id");
  std::string hex = store::DigestHex(layer.diff_id).str();
  std::string layers_dir = store.Root() + "/layers";
  std::string dest = layers_dir + "/" + hex;
  struct stat st;
  if (::lstat(dest.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return dest;
  // The same tar may be in the store uncompressed (a deferred layer with this diff_id, e.g.
  // the RUN a COPY --from took its files from): read that, with no decompression.
  // A damaged one is removed by CheckBlob, and the layer's own blob is read instead.
  LayerDescriptor source = layer;
  if (layer.digest != layer.diff_id && store.HasBlob(layer.diff_id)) {
    if (llvm::Error err = store.CheckBlob(layer.diff_id)) {
      llvm::consumeError(std::move(err));
    } else {
      source.digest = layer.diff_id;
      source.media_type = "application/vnd.oci.image.layer.v1.tar";
    }
  }
  // The blob is hashed before use: a corrupt one is removed and the error says so.
  if (llvm::Error err = store.CheckBlob(source.digest)) return err;
  if (llvm::Error err = MakeDirs(layers_dir)) return err;
  CleanStaleExtractDirs(store.TmpDir());

  llvm::Expected<ExtractDir> dir = ExtractDir::Create(store.TmpDir(), hex);
  if (!dir) return dir.takeError();
  bool small = false;
  std::vector<support::UniqueFd> files;
  std::vector<std::string> file_paths;
  if (llvm::Error err =
          Unpack(source, store.BlobPath(source.digest), *dir, small, files, file_paths))
    return err;
  if (::fchmod(dir->Fd(), 0755) != 0)
    return support::ErrnoError(errno, "cannot chmod", dir->Path());
  // The tree must be on disk before its name is. A small layer (a base like busybox: a few
  // files, hundreds of symlinks) is made durable by an fsync of each of its files and of each
  // of its directories (its entries: symlinks, whiteouts, links are journaled with them), all
  // in flight at once so that they share the journal commits and device flushes (one after
  // another: 12 of them took 60-80 ms beside other builds), where a syncfs would also wait
  // for every other writer's dirty data on the file system (96 ms for busybox at the start of
  // a build, beside other builds). Anything bigger: one syncfs instead of an fsync per file.
  int dir_budget = 64;
  std::vector<support::UniqueFd> dirs;
  std::vector<std::string> dir_paths;
  llvm::Expected<bool> listed =
      small ? ListDirs(dir->Fd(), dir->Path(), dir_budget, dirs, dir_paths) : false;
  if (!listed) return listed.takeError();
  if (*listed) {
    std::vector<store::SyncTarget> targets;
    for (size_t i = 0; i < files.size(); ++i)
      targets.push_back({files[i].Get(), dir->Path() + "/" + file_paths[i]});
    for (size_t i = 0; i < dirs.size(); ++i) targets.push_back({dirs[i].Get(), dir_paths[i]});
    targets.push_back({dir->Fd(), dir->Path()});
    if (llvm::Error err = store::SyncTogether(targets)) return err;
  } else if (::syncfs(dir->Fd()) != 0) {
    return support::ErrnoError(errno, "cannot sync", dir->Path());
  }
  llvm::Expected<bool> ours_left =
      support::PublishDir(dir->Path(), dest, support::ExistingDir::kKeep);
  if (!ours_left) return ours_left.takeError();
  // Another extraction of the same layer won; ours is dropped by ExtractDir's destructor.
  if (*ours_left) return dest;
  dir->Published();
  if (llvm::Error err = support::SyncDirectory(layers_dir)) return err;
  return dest;
}

}  // namespace strata::oci
