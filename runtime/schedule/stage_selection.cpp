// StreamSelection: a copy of a stage's path listed from the one layer that holds it.
#include "runtime/schedule/stage_selection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "compiler/support/dir_names.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/exec/scratch_dir.h"
#include "runtime/oci/layer_extractor.h"
#include "runtime/oci/tar_index.h"
#include "runtime/schedule/layer_skeleton.h"

namespace strata::schedule {
namespace {

// How one layer looks at the selected path.
enum class At {
  kAbsent,   // nothing at or under the path, its parents plain directories where present
  kPresent,  // the path is in the layer, as a directory or regular file
  kDecline,  // anything the fast path does not prove equal to the merged rootfs
};

std::string Join(const std::vector<std::string>& parts, size_t count) {
  std::string path;
  for (size_t i = 0; i < count; ++i) path += (i ? "/" : "") + parts[i];
  return path;
}

bool IsWhiteoutName(const std::string& name) { return name.rfind(".wh.", 0) == 0; }

// A layer stored as a plain tar, by its index.
class IndexedLayer {
 public:
  explicit IndexedLayer(std::vector<oci::TarIndexEntry> entries) : entries_(std::move(entries)) {
    for (size_t i = 0; i < entries_.size(); ++i)
      if (!by_path_.emplace(entries_[i].path, i).second) duplicated_ = true;
  }

  At Look(const std::vector<std::string>& parts) const {
    // A name written twice (`tar -r`): the extractor keeps the last; this index the first.
    if (duplicated_ || by_path_.count(".wh..wh..opq")) return At::kDecline;
    for (size_t k = 0; k < parts.size(); ++k) {
      std::string parent = Join(parts, k);
      std::string whiteout = (parent.empty() ? "" : parent + "/") + ".wh." + parts[k];
      if (by_path_.count(whiteout)) return At::kDecline;
      std::string here = Join(parts, k + 1);
      auto it = by_path_.find(here);
      bool last = k + 1 == parts.size();
      if (!last) {
        if (by_path_.count(here + "/.wh..wh..opq")) return At::kDecline;
        if (it == by_path_.end()) {
          // Absent here; anything below would need it as a directory entry.
          return HasUnder(here) ? At::kDecline : At::kAbsent;
        }
        if (entries_[it->second].kind != oci::EntryKind::kDir) return At::kDecline;
        continue;
      }
      if (it == by_path_.end()) return HasUnder(here) ? At::kDecline : At::kAbsent;
      oci::EntryKind kind = entries_[it->second].kind;
      return kind == oci::EntryKind::kDir || kind == oci::EntryKind::kFile ? At::kPresent
                                                                           : At::kDecline;
    }
    return At::kDecline;  // the root itself is not selected this way
  }

  // The entries at and under `path` (tar order: parents first), or nullopt when one of them
  // is a whiteout, a hard link or a special file.
  std::optional<std::vector<const oci::TarIndexEntry*>> Tree(const std::string& path) const {
    std::vector<const oci::TarIndexEntry*> tree;
    std::string prefix = path + "/";
    for (const oci::TarIndexEntry& entry : entries_) {
      if (entry.path != path && entry.path.compare(0, prefix.size(), prefix) != 0) continue;
      size_t slash = entry.path.find_last_of('/');
      std::string name = slash == std::string::npos ? entry.path : entry.path.substr(slash + 1);
      if (IsWhiteoutName(name)) return std::nullopt;
      if (entry.kind != oci::EntryKind::kDir && entry.kind != oci::EntryKind::kFile &&
          entry.kind != oci::EntryKind::kSymlink)
        return std::nullopt;
      tree.push_back(&entry);
    }
    return tree;
  }

 private:
  bool HasUnder(const std::string& path) const {
    std::string prefix = path + "/";
    auto it = std::lower_bound(
        entries_.begin(), entries_.end(), prefix,
        [](const oci::TarIndexEntry& entry, const std::string& p) { return entry.path < p; });
    // The tar is sorted by path bytes, but check every entry if it is not.
    if (it != entries_.end() && it->path.compare(0, prefix.size(), prefix) == 0) return true;
    return std::any_of(entries_.begin(), entries_.end(), [&](const oci::TarIndexEntry& entry) {
      return entry.path.compare(0, prefix.size(), prefix) == 0;
    });
  }

  std::vector<oci::TarIndexEntry> entries_;
  std::unordered_map<std::string, size_t> by_path_;
  bool duplicated_ = false;
};

bool IsOpaque(const std::string& path) {
  char value[2];
  for (const char* name : {"trusted.overlay.opaque", "user.overlay.opaque"}) {
    ssize_t n = ::lgetxattr(path.c_str(), name, value, sizeof value);
    if (n == 1 && value[0] == 'y') return true;
  }
  return false;
}

// An extracted layer directory (overlayfs form: whiteouts are 0/0 character devices, opaque
// directories carry an xattr).
At LookInDir(const std::string& dir, const std::vector<std::string>& parts) {
  if (IsOpaque(dir)) return At::kDecline;
  std::string path = dir;
  for (size_t k = 0; k < parts.size(); ++k) {
    path += "/" + parts[k];
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT ? At::kAbsent : At::kDecline;
    bool last = k + 1 == parts.size();
    if (!last) {
      if (!S_ISDIR(st.st_mode) || IsOpaque(path)) return At::kDecline;
      continue;
    }
    return S_ISDIR(st.st_mode) || S_ISREG(st.st_mode) ? At::kPresent : At::kDecline;
  }
  return At::kDecline;
}

// True when everything under `dir` is a directory, regular file or symlink (no whiteout
// device, fifo or other special file, which the merged rootfs shows otherwise or not at all).
bool PlainTree(const std::string& dir) {
  llvm::Expected<support::DirEntries> children = support::SortedDirEntries(dir);
  if (!children) {
    llvm::consumeError(children.takeError());
    return false;
  }
  for (const auto& [name, type] : *children) {
    std::string path = dir + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return false;
    if (S_ISDIR(st.st_mode)) {
      if (!PlainTree(path)) return false;
    } else if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
      return false;
    }
  }
  return true;
}

// One of the stage's layers, looked at through its tar index (a plain tar blob) or its
// extracted directory.
struct LayerLook {
  std::optional<IndexedLayer> index;
  std::string tar;  // with index
  std::string dir;  // extracted, without index

  At Look(const std::vector<std::string>& parts) const {
    return index ? index->Look(parts) : LookInDir(dir, parts);
  }
};

bool IsPlainTar(const oci::LayerDescriptor& layer) {
  return layer.digest == layer.diff_id && layer.media_type.find("+") == std::string::npos;
}

llvm::Expected<LayerLook> OpenLayer(const store::Store& store, const oci::LayerDescriptor& layer) {
  LayerLook look;
  if (IsPlainTar(layer)) {
    if (llvm::Error err = store.CheckBlob(layer.digest)) return err;
    look.tar = store.BlobPath(layer.digest);
    llvm::Expected<std::vector<oci::TarIndexEntry>> entries = oci::ReadTarIndex(look.tar);
    if (entries) {
      look.index.emplace(std::move(*entries));
      return look;
    }
    llvm::consumeError(entries.takeError());  // not one of ours: read it extracted
  }
  llvm::Expected<std::string> dir = oci::ExtractLayer(store, layer);
  if (!dir) return dir.takeError();
  look.dir = std::move(*dir);
  return look;
}

}  // namespace

llvm::Expected<std::optional<StreamedSource>> StreamSelection(const store::Store& store,
                                                              const StageSelection& selection,
                                                              const std::string& work_dir) {
  std::vector<std::string> parts;
  size_t begin = 0;
  const std::string& path = selection.path;
  while (begin <= path.size()) {
    size_t end = std::min(path.find('/', begin), path.size());
    std::string part = path.substr(begin, end - begin);
    begin = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == ".." || part.find_first_of("*?[\\") != std::string::npos) return std::nullopt;
    parts.push_back(std::move(part));
  }
  if (parts.empty()) return std::nullopt;  // the whole rootfs: every layer counts

  const std::vector<oci::LayerDescriptor>& layers = selection.image.layers;
  std::optional<LayerLook> holder;
  size_t held = layers.size();
  for (size_t i = layers.size(); i-- > 0;) {
    llvm::Expected<LayerLook> look = OpenLayer(store, layers[i]);
    if (!look) return look.takeError();
    At at = look->Look(parts);
    if (at == At::kDecline) return std::nullopt;
    if (at == At::kPresent) {
      holder.emplace(std::move(*look));
      held = i;
      break;
    }
  }
  if (!holder) return std::nullopt;  // not there: the slow path says so
  for (size_t i = 0; i < held; ++i) {
    llvm::Expected<LayerLook> look = OpenLayer(store, layers[i]);
    if (!look) return look.takeError();
    if (look->Look(parts) != At::kAbsent) return std::nullopt;
  }

  StreamedSource source;
  std::string relative = Join(parts, parts.size());
  if (!holder->index) {
    source.path = holder->dir + "/" + relative;
    struct stat st;
    if (::lstat(source.path.c_str(), &st) != 0) return std::nullopt;
    if (S_ISDIR(st.st_mode) && !PlainTree(source.path)) return std::nullopt;
    return source;
  }
  std::optional<std::vector<const oci::TarIndexEntry*>> tree = holder->index->Tree(relative);
  if (!tree || tree->empty() || (*tree)[0]->path != relative) return std::nullopt;
  source.skeleton_root = work_dir + "/skeleton";
  source.tar = holder->tar;
  source.path = source.skeleton_root + "/" + relative;
  // The skeleton's files are read from the tar: MapArchivedFiles points the plan at them.
  std::string under = Join(parts, parts.size() - 1);
  if (llvm::Error err = exec::MakeDirs(source.skeleton_root + "/" + under)) return err;
  if (!MakeLayerSkeleton(source.skeleton_root, *tree, under)) return std::nullopt;
  for (const oci::TarIndexEntry* entry : *tree)
    if (entry->kind == oci::EntryKind::kFile)
      source.files.emplace_back(source.skeleton_root + "/" + entry->path, entry->data_offset);
  return source;
}

llvm::Error MapArchivedFiles(const StreamedSource& source, std::vector<oci::TreeEntry>& entries) {
  if (source.skeleton_root.empty()) return llvm::Error::success();
  std::unordered_map<std::string, uint64_t> offsets(source.files.begin(), source.files.end());
  std::string prefix = source.skeleton_root + "/";
  for (oci::TreeEntry& entry : entries) {
    if (entry.kind != oci::EntryKind::kFile || entry.source_path.empty()) continue;
    if (entry.source_path.compare(0, prefix.size(), prefix) != 0) continue;
    auto it = offsets.find(entry.source_path);
    if (it == offsets.end())
      return llvm::createStringError(
          std::make_error_code(std::errc::invalid_argument),
          "internal error: a copied file is not in the layer tar: " + entry.source_path);
    entry.source_path = source.tar;
    entry.source_in_archive = true;
    entry.source_offset = it->second;
  }
  return llvm::Error::success();
}

}  // namespace strata::schedule
