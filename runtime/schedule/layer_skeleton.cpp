// MakeLayerSkeleton and LayerListing.
#include "runtime/schedule/layer_skeleton.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "compiler/support/unique_fd.h"
#include "runtime/oci/file_capability.h"

namespace strata::schedule {
namespace {

// Owner, then mode (chown clears set-id bits) and a file's capability (chown drops it, and a
// COPY's plan reads it from here); a symlink has no mode of its own.
bool SetMetadata(const std::string& path, const oci::TarIndexEntry& entry) {
  if (::lchown(path.c_str(), entry.uid, entry.gid) != 0) return false;
  if (entry.kind == oci::EntryKind::kSymlink) return true;
  if (::chmod(path.c_str(), entry.mode) != 0) return false;
  if (entry.kind != oci::EntryKind::kFile) return true;
  llvm::Error err = oci::WriteFileCapability(path, entry.capability);
  bool ok = !err;
  llvm::consumeError(std::move(err));
  return ok;
}

// A relative path of plain names (no "", ".", ".." segment).
bool IsPlainPath(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = std::min(path.find('/', begin), path.size());
    std::string part = path.substr(begin, end - begin);
    if (part.empty() || part == "." || part == "..") return false;
    begin = end + 1;
  }
  return true;
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

}  // namespace

bool MakeLayerSkeleton(const std::string& root,
                       const std::vector<const oci::TarIndexEntry*>& entries,
                       const std::string& under) {
  // What this skeleton made: only its own directories are walked through, so no entry can
  // reach past `root` (a symlink is never a parent here) and a hard link names its own files.
  std::set<std::string> dirs{""}, files;
  for (size_t slash = 0; !under.empty() && slash != std::string::npos;) {
    slash = under.find('/', slash + 1);
    dirs.insert(under.substr(0, slash));
  }
  std::map<std::string, const oci::TarIndexEntry*> made_dirs;  // a later entry wins
  for (const oci::TarIndexEntry* entry : entries) {
    if (!IsPlainPath(entry->path)) return false;
    std::string parent = ParentOf(entry->path);
    if (!dirs.count(parent)) return false;
    std::string path = root + "/" + entry->path;
    std::string base = entry->path.substr(parent.empty() ? 0 : parent.size() + 1);
    std::string parent_path = parent.empty() ? root : root + "/" + parent;
    if (base == ".wh..wh..opq") {
      if (::lsetxattr(parent_path.c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0) return false;
      continue;
    }
    if (base.rfind(".wh..wh.", 0) == 0) continue;  // aufs metadata, as the extractor skips it
    bool whiteout = base.rfind(".wh.", 0) == 0;
    std::string name =
        whiteout ? (parent.empty() ? "" : parent + "/") + base.substr(4) : entry->path;
    if (whiteout && !IsPlainPath(name)) return false;
    std::string target = root + "/" + name;
    // A later entry replaces an earlier one of the same name (two directories merge).
    bool is_dir = dirs.count(name) != 0;
    if (is_dir && (whiteout || entry->kind != oci::EntryKind::kDir)) {
      if (::rmdir(target.c_str()) != 0) return false;  // not empty: the extractor decides
      dirs.erase(name);
      made_dirs.erase(name);
      is_dir = false;
    } else if (!is_dir) {
      struct stat st;
      if (::lstat(target.c_str(), &st) == 0 && ::unlink(target.c_str()) != 0) return false;
      files.erase(name);
    }
    if (whiteout) {
      if (::mknod(target.c_str(), S_IFCHR | 0600, makedev(0, 0)) != 0) return false;
      continue;
    }
    switch (entry->kind) {
      case oci::EntryKind::kDir:
        if (!is_dir && ::mkdir(path.c_str(), 0700) != 0) return false;
        dirs.insert(entry->path);
        made_dirs[entry->path] = entry;
        continue;
      case oci::EntryKind::kFile: {
        support::UniqueFd fd(
            ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd || ::ftruncate(fd.Get(), static_cast<off_t>(entry->size)) != 0) return false;
        files.insert(entry->path);
        break;
      }
      case oci::EntryKind::kSymlink:
        if (::symlink(entry->link.c_str(), path.c_str()) != 0) return false;
        break;
      case oci::EntryKind::kHardlink:
        if (!files.count(entry->link) ||
            ::link((root + "/" + entry->link).c_str(), path.c_str()) != 0)
          return false;
        files.insert(entry->path);
        continue;  // the target's metadata
      case oci::EntryKind::kFifo:
      case oci::EntryKind::kCharDevice:
      case oci::EntryKind::kBlockDevice: {
        mode_t type = entry->kind == oci::EntryKind::kFifo         ? S_IFIFO
                      : entry->kind == oci::EntryKind::kCharDevice ? S_IFCHR
                                                                   : S_IFBLK;
        dev_t dev = makedev(entry->rdev_major, entry->rdev_minor);
        if (::mknod(path.c_str(), type | 0600, type == S_IFIFO ? 0 : dev) != 0) return false;
        break;
      }
    }
    if (!SetMetadata(path, *entry)) return false;
  }
  // Directories last, deepest first (a child sorts after its parent), so that a read-only one
  // is filled before its mode is set.
  for (auto it = made_dirs.rbegin(); it != made_dirs.rend(); ++it)
    if (!SetMetadata(root + "/" + it->first, *it->second)) return false;
  return true;
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
