// ScanTree: lstat-based directory walk, whiteout translation, sort, hard-link detection.
#include "runtime/oci/tree_scan.h"

#include <dirent.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <tuple>
#include <utility>

#include "runtime/oci/file_capability.h"

namespace strata::oci {
namespace {

llvm::Error SysError(const std::string& what, const std::string& path) {
  int err = errno;
  return llvm::createStringError(std::error_code(err, std::generic_category()),
                                 what + ": " + path + ": " + std::strerror(err));
}

bool HasOpaqueXattr(const std::string& path) {
  for (const char* name : {"trusted.overlay.opaque", "user.overlay.opaque"}) {
    char value[8];
    ssize_t n = ::lgetxattr(path.c_str(), name, value, sizeof value);
    if (n == 1 && value[0] == 'y') return true;
  }
  return false;
}

struct InodeKey {
  dev_t dev;
  ino_t ino;
  bool operator<(const InodeKey& o) const { return std::tie(dev, ino) < std::tie(o.dev, o.ino); }
};

struct Scanned {
  TreeEntry entry;
  InodeKey inode{0, 0};
  bool maybe_linked = false;  // A regular file with st_nlink > 1.
};

std::string JoinTar(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

void FillCommon(TreeEntry& entry, const struct stat& st) {
  entry.mode = st.st_mode & 07777;
  entry.uid = st.st_uid;
  entry.gid = st.st_gid;
}

llvm::Error ScanDir(const std::string& abs_dir, const std::string& tar_dir,
                    std::vector<Scanned>& out) {
  DIR* dir = ::opendir(abs_dir.c_str());
  if (dir == nullptr) return SysError("cannot open directory", abs_dir);
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* d = ::readdir(dir)) {
    if (std::strcmp(d->d_name, ".") != 0 && std::strcmp(d->d_name, "..") != 0)
      names.emplace_back(d->d_name);
  }
  bool read_failed = errno != 0;
  ::closedir(dir);
  if (read_failed) return SysError("cannot read directory", abs_dir);

  for (const std::string& name : names) {
    std::string abs = abs_dir + "/" + name;
    struct stat st;
    if (::lstat(abs.c_str(), &st) != 0) return SysError("cannot stat", abs);
    Scanned item;
    TreeEntry& entry = item.entry;
    entry.tar_path = JoinTar(tar_dir, name);
    FillCommon(entry, st);
    switch (st.st_mode & S_IFMT) {
      case S_IFREG:
        entry.kind = EntryKind::kFile;
        entry.source_path = abs;
        entry.size = static_cast<uint64_t>(st.st_size);
        item.inode = {st.st_dev, st.st_ino};
        item.maybe_linked = st.st_nlink > 1;
        if (llvm::Expected<std::string> capability = ReadFileCapability(abs))
          entry.capability = std::move(*capability);
        else
          return capability.takeError();
        break;
      case S_IFDIR:
        entry.kind = EntryKind::kDir;
        if (HasOpaqueXattr(abs)) {
          Scanned marker;
          marker.entry.tar_path = entry.tar_path + "/.wh..wh..opq";
          FillCommon(marker.entry, st);
          marker.entry.mode &= 0777;
          out.push_back(std::move(marker));
        }
        if (llvm::Error err = ScanDir(abs, entry.tar_path, out)) return err;
        break;
      case S_IFLNK: {
        entry.kind = EntryKind::kSymlink;
        std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
        ssize_t n = ::readlink(abs.c_str(), target.data(), target.size());
        if (n < 0) return SysError("cannot read link", abs);
        target.resize(static_cast<size_t>(n));
        entry.link = std::move(target);
        break;
      }
      case S_IFCHR:
        if (major(st.st_rdev) == 0 && minor(st.st_rdev) == 0) {
          // An overlayfs whiteout: the lower layers' NAME is deleted.
          entry.tar_path = JoinTar(tar_dir, ".wh." + name);
          entry.kind = EntryKind::kFile;
          entry.mode = 0600;
          break;
        }
        entry.kind = EntryKind::kCharDevice;
        entry.rdev_major = major(st.st_rdev);
        entry.rdev_minor = minor(st.st_rdev);
        break;
      case S_IFBLK:
        entry.kind = EntryKind::kBlockDevice;
        entry.rdev_major = major(st.st_rdev);
        entry.rdev_minor = minor(st.st_rdev);
        break;
      case S_IFIFO:
        entry.kind = EntryKind::kFifo;
        break;
      default:
        continue;  // Sockets cannot be archived.
    }
    out.push_back(std::move(item));
  }
  return llvm::Error::success();
}

}  // namespace

llvm::Expected<std::vector<TreeEntry>> ScanTree(const std::string& root) {
  std::vector<Scanned> scanned;
  std::string clean = root;
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  if (llvm::Error err = ScanDir(clean, "", scanned)) return err;
  std::sort(scanned.begin(), scanned.end(), [](const Scanned& a, const Scanned& b) {
    return a.entry.tar_path < b.entry.tar_path;  // std::string compares bytes as unsigned char.
  });
  std::map<InodeKey, std::string> first_path;
  std::vector<TreeEntry> entries;
  entries.reserve(scanned.size());
  for (Scanned& item : scanned) {
    if (item.maybe_linked) {
      auto [it, inserted] = first_path.emplace(item.inode, item.entry.tar_path);
      if (!inserted) {
        item.entry.kind = EntryKind::kHardlink;
        item.entry.link = it->second;
        item.entry.size = 0;
        item.entry.source_path.clear();
        item.entry.capability.clear();  // the first path's entry carries it
      }
    }
    entries.push_back(std::move(item.entry));
  }
  return entries;
}

llvm::Error ChangedDuringBuild(const std::string& path) {
  return llvm::createStringError(std::make_error_code(std::errc::resource_unavailable_try_again),
                                 path +
                                     " changed during the build (it is not what the build "
                                     "was planned with); run again");
}

llvm::Error CheckOpenedSource(int fd, const TreeEntry& entry) {
  if (!entry.check_content) return llvm::Error::success();
  struct stat st;
  if (::fstat(fd, &st) != 0) return SysError("cannot stat", entry.source_path);
  if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != entry.source_mode ||
      static_cast<uint64_t>(st.st_size) != entry.size)
    return ChangedDuringBuild(entry.source_path);
  return llvm::Error::success();
}

}  // namespace strata::oci
