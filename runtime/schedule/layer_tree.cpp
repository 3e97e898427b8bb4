// LayerTree, and the COPY walk that fills it the way CopyTree/CopyContents fill a directory.
#include "runtime/schedule/layer_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>

#include "compiler/graph/local_manifest.h"
#include "compiler/graph/local_source.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/slash_path.h"
#include "compiler/support/unique_fd.h"
#include "runtime/oci/file_capability.h"
#include "runtime/schedule/listed_dir.h"

namespace strata::schedule {

const oci::TreeEntry* LayerTree::Find(const std::string& path) const {
  auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : &it->second;
}

oci::TreeEntry* LayerTree::FindMutable(const std::string& path) {
  auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : &it->second;
}

void LayerTree::Put(oci::TreeEntry entry) {
  std::string path = entry.tar_path;
  if (!linked_.empty()) linked_.erase(path);
  entries_.insert_or_assign(std::move(path), std::move(entry));
}

void LayerTree::Erase(const std::string& path) {
  entries_.erase(path);
  if (!linked_.empty()) linked_.erase(path);
}

void LayerTree::NoteLinked(const std::string& path, uint64_t dev, uint64_t ino) {
  linked_.insert_or_assign(path, std::make_pair(dev, ino));
}

bool LayerTree::HasChildren(const std::string& path) const {
  std::string prefix = path.empty() ? "" : path + "/";
  auto it = entries_.lower_bound(prefix);
  return it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0 &&
         it->first != path;
}

std::vector<oci::TreeEntry> LayerTree::TakeEntries() {
  std::vector<oci::TreeEntry> out;
  out.reserve(entries_.size());
  std::map<std::pair<uint64_t, uint64_t>, const std::string*> first_names;
  for (auto& [path, entry] : entries_) {
    auto linked = linked_.empty() ? linked_.end() : linked_.find(path);
    if (linked != linked_.end() && entry.kind == oci::EntryKind::kFile) {
      auto [first, inserted] = first_names.try_emplace(linked->second, &path);
      if (!inserted) {
        // The bytes (and a checked file's check) are the first name's; the owner and mode,
        // those of one inode, are the same.
        entry.kind = oci::EntryKind::kHardlink;
        entry.link = *first->second;
        entry.source_path.clear();
        entry.size = 0;
        entry.check_content = false;
        entry.capability.clear();
        entry.source_in_archive = false;
      }
    }
    out.push_back(std::move(entry));
  }
  entries_.clear();
  linked_.clear();
  return out;
}

std::string JoinTarPath(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

namespace {

llvm::Error AddEntry(const std::string& source, const std::string& dest,
                     const std::string& relative, const CopyRules& rules, bool merge,
                     LayerTree& tree, const graph::LocalEntry* known = nullptr);

// What lowering recorded of `source`, an entry the copy takes, when it still matches the
// entry's lstat `st` (nullopt without a manifest); an entry lowering did not see, or saw as
// something else, means the tree changed after its digest went into the key.
llvm::Expected<std::optional<graph::LocalEntry>> Lowered(const std::string& source,
                                                         const struct stat& st,
                                                         const CopyRules& rules) {
  if (rules.manifest == nullptr) return std::nullopt;
  std::optional<graph::LocalEntry> lowered = rules.manifest->Find(source);
  char kind = S_ISDIR(st.st_mode)   ? 'd'
              : S_ISLNK(st.st_mode) ? 'l'
              : S_ISREG(st.st_mode) ? 'f'
                                    : '?';
  if (!lowered || lowered->conflict || lowered->kind != kind ||
      lowered->mode != static_cast<uint32_t>(st.st_mode & 07777) ||
      (kind == 'f' && lowered->size != static_cast<uint64_t>(st.st_size)))
    return oci::ChangedDuringBuild(source);
  return lowered;
}

// The lstat an entry lowering recorded would give if it is unchanged: the copy's walk takes
// kind, mode and size from there instead of asking the file system once per entry.
struct stat StatOf(const graph::LocalEntry& entry) {
  struct stat st {};
  mode_t type = entry.kind == 'd' ? S_IFDIR : entry.kind == 'l' ? S_IFLNK : S_IFREG;
  st.st_mode = type | static_cast<mode_t>(entry.mode);
  st.st_size = static_cast<off_t>(entry.kind == 'f' ? entry.size : entry.target.size());
  return st;
}

// Lists `source`'s children into the tree. With lowering's manifest, each name is checked
// against the directory's record: a name it walked that is gone now (and not left out by the
// copy's own patterns) was removed after the key was made, and a child readdir shows as the
// kind lowering recorded is taken from its record, with no lstat (the reader checks a file's
// mode and size on the file it opens, a symlink's target is read, a directory is listed).
// `lowered` is the directory's own record when it was taken that way: its mode is checked on
// the open directory.
llvm::Error AddChildren(const std::string& source, const std::string& dest,
                        const std::string& relative, const CopyRules& rules, bool merge,
                        LayerTree& tree, const graph::LocalEntry* lowered = nullptr) {
  llvm::Expected<ListedDir> listed = ListDir(source);
  if (!listed) return listed.takeError();
  std::optional<graph::LocalEntry> dir;
  if (rules.manifest != nullptr) dir = rules.manifest->Find(source);
  if (lowered != nullptr && (!S_ISDIR(listed->st.st_mode) ||
                             static_cast<uint32_t>(listed->st.st_mode & 07777) != lowered->mode))
    return oci::ChangedDuringBuild(source);
  // Without a record, a directory walked only for excluded contents.
  if (dir) {
    for (const std::string& name : dir->names) {
      auto it = std::lower_bound(listed->children.begin(), listed->children.end(),
                                 std::make_pair(name, static_cast<unsigned char>(0)));
      if (it != listed->children.end() && it->first == name) continue;
      std::string child_relative = relative.empty() ? name : relative + "/" + name;
      if (rules.exclude && rules.exclude(child_relative)) continue;
      return oci::ChangedDuringBuild(source + "/" + name);
    }
  }
  // The record is trusted only where no owner must be read and lowering saw each name once.
  bool from_record = dir && !dir->conflict && !rules.keep_owner;
  for (const auto& [name, d_type] : listed->children) {
    std::string child = source + "/" + name;
    std::string child_relative = relative.empty() ? name : relative + "/" + name;
    std::optional<graph::LocalEntry> known;
    if (from_record && LocalKindOf(d_type) != 0) {
      known = rules.manifest->Find(child);
      if (known && (known->conflict || known->kind != LocalKindOf(d_type))) known.reset();
    }
    if (llvm::Error err = AddEntry(child, JoinTarPath(dest, name), child_relative, rules, merge,
                                   tree, known ? &*known : nullptr))
      return err;
  }
  return llvm::Error::success();
}

oci::TreeEntry NewDir(const std::string& path) {
  oci::TreeEntry dir;
  dir.tar_path = path;
  dir.kind = oci::EntryKind::kDir;
  dir.mode = 0700;  // As CopyTree's mkdir, until the walk below it is done.
  return dir;
}

// Mirrors CopyEntry (root_path.cpp) decision for decision; only the writes differ. `known`,
// lowering's record of `source` when the parent's listing matched it (AddChildren), stands in
// for the lstat.
llvm::Error AddEntry(const std::string& source, const std::string& dest,
                     const std::string& relative, const CopyRules& rules, bool merge,
                     LayerTree& tree, const graph::LocalEntry* known) {
  struct stat st;
  llvm::Expected<CopiedAttributes> copied =
      known != nullptr ? llvm::Expected<CopiedAttributes>(AttributesOf(st = StatOf(*known), rules))
                       : LstatForCopy(source, rules, st);
  if (!copied) return copied.takeError();
  auto finish = [&]() {
    oci::TreeEntry* entry = tree.FindMutable(dest);
    entry->uid = copied->uid;
    entry->gid = copied->gid;
    entry->mode = copied->mode;
  };

  if (!relative.empty()) {
    if (rules.normalize_local && graph::IsExcludedLocalEntry(support::BaseName(relative)))
      return llvm::Error::success();
    if (rules.exclude && rules.exclude(relative)) {
      if (!S_ISDIR(st.st_mode) || !rules.walk_excluded) return llvm::Error::success();
      // Kept only if something below is re-included.
      bool existed = tree.Find(dest) != nullptr;
      if (!existed) tree.Put(NewDir(dest));
      if (llvm::Error err = AddChildren(source, dest, relative, rules, merge, tree)) return err;
      if (existed) return llvm::Error::success();
      if (!tree.HasChildren(dest)) {
        tree.Erase(dest);
        return llvm::Error::success();
      }
      finish();
      return llvm::Error::success();
    }
  }

  llvm::Expected<std::optional<graph::LocalEntry>> lowered =
      known != nullptr ? llvm::Expected<std::optional<graph::LocalEntry>>(*known)
                       : Lowered(source, st, rules);
  if (!lowered) return lowered.takeError();

  const oci::TreeEntry* existing = merge ? tree.Find(dest) : nullptr;
  bool exists = existing != nullptr;
  if (exists && !(existing->kind == oci::EntryKind::kDir && S_ISDIR(st.st_mode))) {
    if (existing->kind == oci::EntryKind::kDir)
      return support::ErrnoError(EISDIR, "cannot replace directory", dest);
    tree.Erase(dest);
    exists = false;
  }

  oci::TreeEntry entry;
  entry.tar_path = dest;
  std::optional<std::pair<uint64_t, uint64_t>> identity;  // a file with other names
  if (S_ISDIR(st.st_mode)) {
    if (!exists) tree.Put(NewDir(dest));
    if (llvm::Error err = AddChildren(source, dest, relative, rules, merge, tree, known))
      return err;
    finish();
    return llvm::Error::success();
  }
  if (S_ISREG(st.st_mode)) {
    entry.kind = oci::EntryKind::kFile;
    entry.source_path = source;
    entry.size = static_cast<uint64_t>(st.st_size);
    if (!rules.normalize_local) {  // a stage's file keeps its capability (root_path.cpp)
      llvm::Expected<std::string> capability = oci::ReadFileCapability(source);
      if (!capability) return capability.takeError();
      entry.capability = std::move(*capability);
    }
    // The names of one file within the copy become one file and hard links (TakeEntries): by
    // the identity lowering recorded, whose digest holds the same links, else by the lstat.
    if (*lowered ? (*lowered)->linked : st.st_nlink > 1)
      identity = *lowered ? std::make_pair((*lowered)->dev, (*lowered)->ino)
                          : std::make_pair(static_cast<uint64_t>(st.st_dev),
                                           static_cast<uint64_t>(st.st_ino));
    if (*lowered) {
      entry.check_content = true;
      entry.content_high = (*lowered)->content_high;
      entry.content_low = (*lowered)->content_low;
      entry.source_mode = (*lowered)->mode;
    }
  } else if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = ::readlink(source.c_str(), target.data(), target.size());
    // Taken from the record with no lstat: a link that is no longer one changed.
    if (n < 0 && known != nullptr && (errno == EINVAL || errno == ENOENT))
      return oci::ChangedDuringBuild(source);
    if (n < 0) return support::ErrnoError(errno, "cannot read link", source);
    target.resize(static_cast<size_t>(n));
    if (*lowered && (*lowered)->target != target) return oci::ChangedDuringBuild(source);
    entry.kind = oci::EntryKind::kSymlink;
    entry.link = std::move(target);
    copied->mode = 0777;  // What a symlink's lstat shows; chmod never applies to it.
  } else if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0) {
    // A copied 0/0 device reads back as an overlay whiteout, as ScanTree turns it into one.
    size_t slash = dest.find_last_of('/');
    entry.tar_path = JoinTarPath(slash == std::string::npos ? "" : dest.substr(0, slash),
                                 ".wh." + std::string(support::BaseName(dest)));
    entry.kind = oci::EntryKind::kFile;
    copied->mode = 0600;
  } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    entry.kind = S_ISFIFO(st.st_mode)  ? oci::EntryKind::kFifo
                 : S_ISCHR(st.st_mode) ? oci::EntryKind::kCharDevice
                                       : oci::EntryKind::kBlockDevice;
    if (!S_ISFIFO(st.st_mode)) {
      entry.rdev_major = major(st.st_rdev);
      entry.rdev_minor = minor(st.st_rdev);
    }
  } else {
    return llvm::Error::success();  // sockets are not copied (nor are they in layers)
  }
  entry.uid = copied->uid;
  entry.gid = copied->gid;
  entry.mode = copied->mode;
  tree.Put(std::move(entry));
  if (identity) tree.NoteLinked(dest, identity->first, identity->second);
  return llvm::Error::success();
}

}  // namespace

llvm::Error AddTree(const std::string& source, const std::string& dest, const CopyRules& rules,
                    LayerTree& tree) {
  return AddEntry(source, dest, "", rules, /*merge=*/false, tree);
}

llvm::Error AddContents(const std::string& source, const std::string& dest, const CopyRules& rules,
                        LayerTree& tree) {
  return AddChildren(source, dest, "", rules, /*merge=*/true, tree);
}

namespace {

// CopyFileData for a checked file (TreeEntry::check_content): hashed as it is copied, so a
// mount's snapshot holds the keyed bytes or the step does not run.
llvm::Error CopyCheckedFileData(const oci::TreeEntry& entry, const std::string& dest) {
  support::UniqueFd in(::open(entry.source_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in) return support::ErrnoError(errno, "cannot open", entry.source_path);
  if (llvm::Error err = oci::CheckOpenedSource(in.Get(), entry)) return err;
  support::UniqueFd out(
      ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out) return support::ErrnoError(errno, "cannot create", dest);
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> state(XXH3_createState(),
                                                                        XXH3_freeState);
  XXH3_128bits_reset(state.get());
  std::vector<char> buffer(1 << 16);
  uint64_t copied = 0;
  while (true) {
    ssize_t n = ::read(in.Get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return support::ErrnoError(errno, "cannot read", entry.source_path);
    if (n == 0) break;
    XXH3_128bits_update(state.get(), buffer.data(), static_cast<size_t>(n));
    copied += static_cast<uint64_t>(n);
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.Get(), buffer.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return support::ErrnoError(errno, "cannot write", dest);
      done += w;
    }
  }
  XXH128_hash_t digest = XXH3_128bits_digest(state.get());
  if (copied != entry.size || digest.high64 != entry.content_high ||
      digest.low64 != entry.content_low)
    return oci::ChangedDuringBuild(entry.source_path);
  return llvm::Error::success();
}

}  // namespace

llvm::Error MaterializeEntries(const std::vector<oci::TreeEntry>& entries, const std::string& dir) {
  std::vector<const oci::TreeEntry*> dirs;
  for (const oci::TreeEntry& entry : entries) {
    std::string path = dir + "/" + entry.tar_path;
    int rc = 0;
    switch (entry.kind) {
      case oci::EntryKind::kDir:
        rc = ::mkdir(path.c_str(), 0700);
        dirs.push_back(&entry);
        break;
      case oci::EntryKind::kFile:
        if (entry.source_path.empty()) {
          support::UniqueFd fd(
              ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
          rc = fd ? 0 : -1;
        } else if (llvm::Error err = entry.check_content ? CopyCheckedFileData(entry, path)
                                                         : CopyFileData(entry.source_path, path)) {
          return err;
        }
        break;
      case oci::EntryKind::kHardlink:
        rc = ::link((dir + "/" + entry.link).c_str(), path.c_str());
        break;
      case oci::EntryKind::kSymlink:
        rc = ::symlink(entry.link.c_str(), path.c_str());
        break;
      case oci::EntryKind::kFifo:
      case oci::EntryKind::kCharDevice:
      case oci::EntryKind::kBlockDevice: {
        mode_t type = entry.kind == oci::EntryKind::kFifo         ? S_IFIFO
                      : entry.kind == oci::EntryKind::kCharDevice ? S_IFCHR
                                                                  : S_IFBLK;
        rc = ::mknod(path.c_str(), type | 0600, makedev(entry.rdev_major, entry.rdev_minor));
        break;
      }
    }
    if (rc != 0) return support::ErrnoError(errno, "cannot create", path);
    if (entry.kind == oci::EntryKind::kHardlink || entry.kind == oci::EntryKind::kDir) continue;
    // chown clears set-id bits, so the mode goes last.
    if (::lchown(path.c_str(), entry.uid, entry.gid) != 0)
      return support::ErrnoError(errno, "cannot chown", path);
    if (entry.kind != oci::EntryKind::kSymlink && ::chmod(path.c_str(), entry.mode) != 0)
      return support::ErrnoError(errno, "cannot chmod", path);
  }
  // Directories last, deepest first, so a read-only one does not stop its children.
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    std::string path = dir + "/" + (*it)->tar_path;
    if (::lchown(path.c_str(), (*it)->uid, (*it)->gid) != 0)
      return support::ErrnoError(errno, "cannot chown", path);
    if (::chmod(path.c_str(), (*it)->mode) != 0)
      return support::ErrnoError(errno, "cannot chmod", path);
  }
  return llvm::Error::success();
}

}  // namespace strata::schedule
