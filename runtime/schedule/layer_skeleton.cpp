// MakeLayerSkeleton and LayerListing.
#include "runtime/schedule/layer_skeleton.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"

namespace strata::schedule {
namespace {

llvm::Error Fail(const std::string& what, const std::string& path) {
  return support::ErrnoError(errno, what, path);
}

// Owner, then mode (chown clears set-id bits); a symlink has no mode of its own.
llvm::Error SetMetadata(const std::string& path, const oci::TarIndexEntry& entry) {
  if (::lchown(path.c_str(), entry.uid, entry.gid) != 0) return Fail("cannot chown", path);
  if (entry.kind != oci::EntryKind::kSymlink && ::chmod(path.c_str(), entry.mode) != 0)
    return Fail("cannot chmod", path);
  return llvm::Error::success();
}

// Removes what a later entry of the same layer replaces (a file or an empty directory).
void Replace(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode))
    ::rmdir(path.c_str());
  else
    ::unlink(path.c_str());
}

}  // namespace

llvm::Error MakeLayerSkeleton(const std::string& root,
                              const std::vector<const oci::TarIndexEntry*>& entries) {
  std::vector<const oci::TarIndexEntry*> dirs;
  for (const oci::TarIndexEntry* entry : entries) {
    std::string path = root + "/" + entry->path;
    size_t slash = entry->path.find_last_of('/');
    std::string parent =
        slash == std::string::npos ? root : root + "/" + entry->path.substr(0, slash);
    std::string base = slash == std::string::npos ? entry->path : entry->path.substr(slash + 1);
    if (base == ".wh..wh..opq") {
      if (::lsetxattr(parent.c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0)
        return Fail("cannot mark opaque", parent);
      continue;
    }
    if (base.rfind(".wh..wh.", 0) == 0) continue;  // aufs metadata, as the extractor skips it
    if (base.rfind(".wh.", 0) == 0) {
      std::string hidden = parent + "/" + base.substr(4);
      Replace(hidden);
      if (::mknod(hidden.c_str(), S_IFCHR | 0600, makedev(0, 0)) != 0)
        return Fail("cannot create whiteout", hidden);
      continue;
    }
    struct stat st;
    bool is_dir = ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (entry->kind != oci::EntryKind::kDir || !is_dir) Replace(path);
    switch (entry->kind) {
      case oci::EntryKind::kDir:
        if (!is_dir && ::mkdir(path.c_str(), 0700) != 0) return Fail("cannot create", path);
        dirs.push_back(entry);
        continue;
      case oci::EntryKind::kFile: {
        support::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (!fd) return Fail("cannot create", path);
        if (::ftruncate(fd.Get(), static_cast<off_t>(entry->size)) != 0)
          return Fail("cannot size", path);
        break;
      }
      case oci::EntryKind::kSymlink:
        if (::symlink(entry->link.c_str(), path.c_str()) != 0)
          return Fail("cannot create symlink", path);
        break;
      case oci::EntryKind::kHardlink:
        if (::link((root + "/" + entry->link).c_str(), path.c_str()) != 0)
          return Fail("cannot link", path);
        continue;  // the target's metadata
      case oci::EntryKind::kFifo:
      case oci::EntryKind::kCharDevice:
      case oci::EntryKind::kBlockDevice: {
        mode_t type = entry->kind == oci::EntryKind::kFifo         ? S_IFIFO
                      : entry->kind == oci::EntryKind::kCharDevice ? S_IFCHR
                                                                   : S_IFBLK;
        dev_t dev = makedev(entry->rdev_major, entry->rdev_minor);
        if (::mknod(path.c_str(), type | 0600, type == S_IFIFO ? 0 : dev) != 0)
          return Fail("cannot create", path);
        break;
      }
    }
    if (llvm::Error err = SetMetadata(path, *entry)) return err;
  }
  // Directories last, deepest first, so that a read-only one is filled before its mode is set.
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it)
    if (llvm::Error err = SetMetadata(root + "/" + (*it)->path, **it)) return err;
  return llvm::Error::success();
}

llvm::Expected<std::shared_ptr<const std::vector<oci::TarIndexEntry>>> LayerListing(
    const store::Store& store, const oci::LayerDescriptor& layer) {
  if (auto remembered = oci::RememberedListing(layer.diff_id)) return remembered;
  if (!store.HasBlob(layer.diff_id)) return nullptr;
  if (llvm::Error err = store.CheckBlob(layer.diff_id)) {
    llvm::consumeError(std::move(err));  // removed: the caller extracts the layer's own blob
    return nullptr;
  }
  llvm::Expected<std::vector<oci::TarIndexEntry>> index =
      oci::ReadTarIndex(store.BlobPath(layer.diff_id));
  if (!index) {
    llvm::consumeError(index.takeError());
    return nullptr;
  }
  return std::make_shared<const std::vector<oci::TarIndexEntry>>(std::move(*index));
}

}  // namespace strata::schedule
