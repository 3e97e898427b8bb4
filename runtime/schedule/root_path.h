// Resolving paths inside a directory tree used as a root (an image's rootfs or an artifact)
// without ever leaving it, and copying trees without following symlinks.
#pragma once

#include <llvm/Support/Error.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace strata::graph {
class LocalManifest;
}

namespace strata::schedule {

enum class Escape {
  kClamp,  // as the kernel does for a chroot: ".." at the root stays there, absolute symlinks
           // restart at the root (image rootfs)
  kError,  // ".." above the root or an absolute symlink is an error (artifacts)
};

// The non-empty '/'-separated components of `path` ("/a//b/" → a, b).
std::vector<std::string> PathSegments(const std::string& path);

// The names in directory `dir` (without "." and ".."), sorted by bytes.
llvm::Expected<std::vector<std::string>> SortedChildren(const std::string& dir);

// Copies the bytes of regular file `source` (not followed) into `dest`, created 0600.
llvm::Error CopyFileData(const std::string& source, const std::string& dest);

// Resolves `path` (absolute or relative to the root) inside `root` lexically and through the
// symlinks found on disk, each resolved inside the root (the last component too when
// `follow_last`). Returns the resolved path as "/a/b" relative to the root; components that do
// not exist are kept as written. At most 40 symlinks.
llvm::Expected<std::string> ResolveInRoot(const std::string& root, const std::string& path,
                                          bool follow_last, Escape escape);

// How CopyTree writes what it copies.
struct CopyRules {
  bool keep_owner = true;  // else uid/gid below
  uid_t uid = 0;
  gid_t gid = 0;
  bool normalize_local = false;  // modes as graph::NormalizedLocalMode; skip `.git`
  bool keep_modes = false;       // with normalize_local: modes as on disk, `.git` still skipped
  std::optional<mode_t> chmod;   // for every copied file and directory (not symlinks)
  // Called with the path relative to the copy's source root ("a/b"); true leaves it out
  // (with everything below it).
  std::function<bool(const std::string& relative)> exclude;
  // An excluded directory is still walked, and kept when something inside is not excluded
  // (.dockerignore exception patterns such as `!keep/this`).
  bool walk_excluded = false;
  // The user's files as lowering hashed them (the listed COPY, layer_tree.h, only): every
  // entry taken must be there with the same kind, mode, size and symlink target, every name
  // there must still be taken, and files carry their digest for the reader to check.
  const graph::LocalManifest* manifest = nullptr;
  // CopyTree/CopyContents only: when set, a regular file whose inode the copy has met before
  // (st_nlink > 1) becomes a hard link to its first copy, as BuildKit's copy keeps them. The
  // first copy of each (dev, inode) of the source, by the copy's walk.
  std::map<std::pair<dev_t, ino_t>, std::string>* links = nullptr;
};

// The mode and owner an entry with lstat `st` gets when copied under `rules` (CopyTree and the
// listed COPY layer, layer_tree.h, decide alike).
struct CopiedAttributes {
  mode_t mode;
  uid_t uid;
  gid_t gid;
};
CopiedAttributes AttributesOf(const struct stat& st, const CopyRules& rules);
// lstat of `source` into `st`, and AttributesOf it: the first step of both copy walks.
llvm::Expected<CopiedAttributes> LstatForCopy(const std::string& source, const CopyRules& rules,
                                              struct stat& st);

// Copies `source` (a file, directory or symlink, never followed) to `dest`, which must not
// exist; directories recursively. Regular files are copied by content, symlinks as symlinks,
// fifos and devices with mknod. Owners and modes per `rules`; mtimes are not kept (layers
// clamp them).
llvm::Error CopyTree(const std::string& source, const std::string& dest, const CopyRules& rules);

// Copies the *contents* of directory `source` into the existing directory `dest` (entries
// that exist there are replaced, directories merged).
llvm::Error CopyContents(const std::string& source, const std::string& dest,
                         const CopyRules& rules);

}  // namespace strata::schedule
