// Docker's COPY semantics, built as a layer tree without starting a container.
#include "runtime/schedule/copy_layer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <optional>
#include <tuple>
#include <unordered_set>

#include "compiler/graph/ignore_patterns.h"
#include "compiler/graph/local_manifest.h"
#include "compiler/graph/local_source.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/slash_path.h"
#include "runtime/exec/rootfs_path.h"
#include "runtime/oci/tree_scan.h"
#include "runtime/schedule/extract_archive.h"
#include "runtime/schedule/image_config.h"
#include "runtime/schedule/layer_tree.h"
#include "runtime/schedule/root_path.h"

namespace strata::schedule {
namespace {

llvm::Error CopyError(const std::string& message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

std::optional<long> ParseNumber(const std::string& text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  // Ids are 32-bit, as BuildKit parses them: a longer number is a name, never a wrapped id.
  if (value > 4294967295L) return std::nullopt;
  return value;
}

// Fields 3 and 4 of `name`'s line in an /etc/passwd or /etc/group text: in /etc/passwd the
// uid and the primary gid, in /etc/group the gid (the second, the member list, is unused).
std::optional<std::pair<long, long>> LookupIds(const std::string& file, const std::string& name) {
  size_t start = 0;
  while (start < file.size()) {
    size_t end = file.find('\n', start);
    if (end == std::string::npos) end = file.size();
    std::string line = file.substr(start, end - start);
    start = end + 1;
    std::vector<std::string> fields;
    size_t field_start = 0;
    while (true) {
      size_t colon = line.find(':', field_start);
      fields.push_back(line.substr(
          field_start, colon == std::string::npos ? std::string::npos : colon - field_start));
      if (colon == std::string::npos) break;
      field_start = colon + 1;
    }
    if (fields.size() < 3 || fields[0] != name) continue;
    std::optional<long> first = ParseNumber(fields[2]);
    if (!first) continue;
    std::optional<long> second = fields.size() >= 4 ? ParseNumber(fields[3]) : std::nullopt;
    return std::make_pair(*first, second.value_or(0));
  }
  return std::nullopt;
}

int64_t NanosOf(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// The tar path of an absolute path in the image ("/a/b" -> "a/b", "/" -> "").
std::string TarPath(const std::string& absolute) {
  size_t start = absolute.find_first_not_of('/');
  return start == std::string::npos ? "" : absolute.substr(start);
}

// Adds `relative` ("/a/b") and its ancestors to the layer: existing ones in the parent with
// their metadata, missing ones 0755 with the given owner.
llvm::Error MakeParents(const std::string& parent_root, LayerTree& tree,
                        const std::string& relative, uid_t uid, gid_t gid,
                        const std::string& dest) {
  std::string prefix;
  for (const std::string& part : PathSegments(relative)) {
    prefix += "/" + part;
    if (tree.Find(TarPath(prefix)) != nullptr) continue;
    struct stat parent;
    bool in_parent = ::lstat((parent_root + prefix).c_str(), &parent) == 0;
    if (in_parent && !S_ISDIR(parent.st_mode))
      return CopyError("cannot copy to '" + dest + "': '" + prefix +
                       "' is not a directory in the image");
    oci::TreeEntry dir;
    dir.tar_path = TarPath(prefix);
    dir.kind = oci::EntryKind::kDir;
    dir.uid = in_parent ? parent.st_uid : uid;
    dir.gid = in_parent ? parent.st_gid : gid;
    dir.mode = in_parent ? (parent.st_mode & 07777) : 0755;
    tree.Put(std::move(dir));
  }
  return llvm::Error::success();
}

// The last element of `path`, trailing slashes aside ("a/b/" → "b").
std::string BaseName(const std::string& path) {
  std::string_view trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
  return std::string(support::BaseName(trimmed));
}

}  // namespace

// BuildKit's rules (its llb WithUser and the file op's user lookup): "root" and decimal
// numbers are ids, an empty user is 0; a user name takes its uid and primary gid from
// /etc/passwd, a group name its gid from /etc/group; a number alone is uid and gid. A name that
// the file does not hold changes nothing (the user stays 0:0, the group keeps the user's gid),
// as BuildKit does; a name with no /etc/passwd or /etc/group in the image is an error.
llvm::Expected<std::pair<uid_t, gid_t>> ResolveChown(const std::string& spec,
                                                     const std::string& root) {
  size_t colon = spec.find(':');
  std::string user = spec.substr(0, colon);
  std::optional<std::string> group;
  if (colon != std::string::npos) group = spec.substr(colon + 1);
  auto id_of = [](const std::string& text) -> std::optional<long> {
    if (text == "root") return 0;
    return ParseNumber(text);
  };
  auto read = [&](const char* path, const std::string& name) -> llvm::Expected<std::string> {
    llvm::Expected<std::optional<std::string>> file = exec::ReadFileInRoot(root, path);
    if (!file) return file.takeError();
    if (!*file)
      return CopyError("chown " + spec + ": cannot look up '" + name + "': the image has no " +
                       path);
    return **file;
  };
  long uid = 0, gid = 0;
  if (std::optional<long> id = id_of(user)) {
    uid = gid = *id;
  } else if (!user.empty()) {
    llvm::Expected<std::string> passwd = read("/etc/passwd", user);
    if (!passwd) return passwd.takeError();
    if (std::optional<std::pair<long, long>> ids = LookupIds(*passwd, user))
      std::tie(uid, gid) = *ids;
  }
  if (group) {
    if (std::optional<long> id = id_of(*group)) {
      gid = *id;
    } else if (!group->empty()) {
      llvm::Expected<std::string> groups = read("/etc/group", *group);
      if (!groups) return groups.takeError();
      if (std::optional<std::pair<long, long>> ids = LookupIds(*groups, *group)) gid = ids->first;
    } else {
      gid = 0;  // "user:": an empty group name is id 0, as an empty user is
    }
  }
  return std::make_pair(static_cast<uid_t>(uid), static_cast<gid_t>(gid));
}

namespace {

llvm::Error AddCopy(const CopyRequest& request, const std::string& parent_root,
                    const std::string& scratch_dir, LayerTree& tree) {
  struct stat source;
  if (::lstat(request.source.c_str(), &source) != 0)
    return support::ErrnoError(errno, "copy source is gone", request.source);

  CopyRules rules;
  rules.keep_owner = false;
  rules.normalize_local = request.local;
  rules.keep_modes = request.keep_modes;
  std::optional<graph::LocalEntry> lowered;
  if (request.local && request.manifest) lowered = request.manifest->Find(request.source);
  if (lowered) rules.manifest = request.manifest;
  if (!request.chown.empty()) {
    llvm::Expected<std::pair<uid_t, gid_t>> ids = ResolveChown(request.chown, parent_root);
    if (!ids) return ids.takeError();
    rules.uid = ids->first;
    rules.gid = ids->second;
  }
  if (!request.chmod.empty()) {
    if (request.chmod.size() > 4 ||
        request.chmod.find_first_not_of("01234567") != std::string::npos)
      return CopyError("malformed chmod '" + request.chmod +
                       "': expected octal digits such as 755");
    // BuildKit (Docker 20.10) hands the number to Go's os.FileMode, where 04000, 02000 and
    // 01000 are not the setuid, setgid and sticky bits: only the permission bits are applied.
    rules.chmod = static_cast<mode_t>(std::stoul(request.chmod, nullptr, 8)) & 0777;
  }
  if (!request.exclude.empty() || !request.local_exclude.empty()) {
    std::vector<std::string> cleaned;
    for (const std::string& pattern : request.exclude)
      cleaned.push_back(graph::CleanIgnorePattern(pattern));
    auto user = std::make_shared<graph::IgnoreMatcher>(cleaned);
    auto local = std::make_shared<graph::IgnoreMatcher>(request.local_exclude);
    // The source's path below the local root, so that .dockerignore patterns line up.
    std::string prefix;
    if (!request.local_root.empty() && request.source.size() > request.local_root.size())
      prefix = request.source.substr(request.local_root.size() + 1) + "/";
    rules.exclude = [user, local, prefix](const std::string& relative) {
      return (!user->empty() && user->IsIgnored(relative)) ||
             (!local->empty() && local->IsIgnored(prefix + relative));
    };
    rules.walk_excluded = user->has_exceptions() || local->has_exceptions();
  }

  const std::string& dest = request.dest;
  bool into = dest.empty() || dest.back() == '/' || dest == "." || dest == ".." ||
              (dest.size() >= 2 && dest.compare(dest.size() - 2, 2, "/.") == 0);
  std::string workdir = request.workdir.empty() ? "/" : request.workdir;
  std::string absolute = CleanPath(workdir, dest);
  llvm::Expected<std::string> resolved =
      ResolveInRoot(parent_root, absolute, /*follow_last=*/true, Escape::kClamp);
  if (!resolved) return resolved.takeError();
  struct stat existing;
  bool dest_is_dir =
      ::stat((parent_root + *resolved).c_str(), &existing) == 0 && S_ISDIR(existing.st_mode);

  if (request.extract) {
    // ADD of an archive: dest is a directory the entries are unpacked into.
    if (!S_ISREG(source.st_mode))
      return CopyError("ADD " + dest + ": the archive is not a regular file");
    if (llvm::Error err = MakeParents(parent_root, tree, *resolved, rules.uid, rules.gid, dest))
      return err;
    // The archive's entries have no file to point at: they are unpacked into the scratch
    // directory (over the image's view of dest) and listed from there, under dest.
    ExtractRequest extract;
    extract.archive = request.source;
    extract.dest = dest;
    extract.unpacked = scratch_dir + "/unpacked";
    extract.view_base = parent_root + (*resolved == "/" ? "" : *resolved);
    if (!request.chown.empty()) extract.chown = std::make_pair(rules.uid, rules.gid);
    extract.chmod = rules.chmod;
    if (lowered) extract.content = std::make_pair(lowered->content_high, lowered->content_low);
    const std::string& unpacked = extract.unpacked;
    if (::mkdir(unpacked.c_str(), 0755) != 0)
      return support::ErrnoError(errno, "cannot create", unpacked);
    // The untar reads the archive through a decompressor, so it is not hashed: its lstat
    // identity must be the one lowering saw, before and after.
    auto same_as_lowered = [&](const struct stat& st) {
      return !lowered ||
             (!lowered->conflict && lowered->kind == 'f' &&
              lowered->size == static_cast<uint64_t>(st.st_size) &&
              lowered->ino == static_cast<uint64_t>(st.st_ino) &&
              lowered->mtime_ns == NanosOf(st.st_mtim) && lowered->ctime_ns == NanosOf(st.st_ctim));
    };
    if (!same_as_lowered(source)) return oci::ChangedDuringBuild(request.source);
    if (llvm::Error err = ExtractArchive(extract)) return err;
    struct stat after;
    if (::lstat(request.source.c_str(), &after) != 0 || !same_as_lowered(after))
      return oci::ChangedDuringBuild(request.source);
    llvm::Expected<std::vector<oci::TreeEntry>> entries = oci::ScanTree(unpacked);
    if (!entries) return entries.takeError();
    std::string base = TarPath(*resolved);
    for (oci::TreeEntry& entry : *entries) {
      entry.tar_path = JoinTarPath(base, entry.tar_path);
      if (entry.kind == oci::EntryKind::kHardlink) entry.link = JoinTarPath(base, entry.link);
      tree.Put(std::move(entry));
    }
    return llvm::Error::success();
  }
  if (S_ISDIR(source.st_mode)) {
    // The directory itself is not copied, only what it holds; dest becomes (or stays) a dir.
    std::string parent = *resolved == "/" ? "/" : resolved->substr(0, resolved->find_last_of('/'));
    if (llvm::Error err = MakeParents(parent_root, tree, parent, rules.uid, rules.gid, dest))
      return err;
    std::string target = TarPath(*resolved);
    if (!target.empty() && tree.Find(target) == nullptr) {
      struct stat in_parent;
      bool existed = ::lstat((parent_root + *resolved).c_str(), &in_parent) == 0;
      if (existed && !S_ISDIR(in_parent.st_mode))
        return CopyError("cannot copy a directory to '" + dest + "': it is a file in the image");
      // BuildKit makes the destination of a context directory's contents 0755, whatever the
      // directory's own mode (it is the destination, not a copy of the directory).
      oci::TreeEntry dir;
      dir.tar_path = target;
      dir.kind = oci::EntryKind::kDir;
      dir.mode = existed ? (in_parent.st_mode & 07777)
                         : (request.keep_modes ? 0755  // with --chmod too, as BuildKit does
                            : rules.chmod      ? *rules.chmod
                            : request.local    ? graph::NormalizedLocalMode(source.st_mode)
                                               : (source.st_mode & 07777));
      dir.uid = existed ? in_parent.st_uid : rules.uid;
      dir.gid = existed ? in_parent.st_gid : rules.gid;
      tree.Put(std::move(dir));
    }
    return AddContents(request.source, target, rules, tree);
  }

  std::string file = *resolved;
  if (into || dest_is_dir) {
    if (llvm::Error err = MakeParents(parent_root, tree, *resolved, rules.uid, rules.gid, dest))
      return err;
    file = (*resolved == "/" ? "" : *resolved) + "/" +
           (request.name.empty() ? BaseName(request.source) : request.name);
  } else {
    std::string parent = resolved->substr(0, resolved->find_last_of('/'));
    if (llvm::Error err = MakeParents(parent_root, tree, parent, rules.uid, rules.gid, dest))
      return err;
  }
  if (tree.Find(TarPath(file)) != nullptr)
    return CopyError("cannot copy to '" + dest + "': '" + file + "' is a directory in the image");
  return AddTree(request.source, TarPath(file), rules, tree);
}

// BuildKit's copy merges into what the image holds without replacing across kinds: a
// directory meeting a file or a symlink (even one to a directory) there, or a file or symlink
// meeting a directory, fails the build (a file or symlink over a file or symlink replaces it).
// Entries come sorted, parents first, and a parent that is a directory in both is checked
// before its children, so each lstat sees no symlink on the way.
llvm::Error CheckKindConflicts(const std::vector<oci::TreeEntry>& entries,
                               const std::string& parent_root) {
  // A path under a directory the image lacks is not there either: no lstat for it (a COPY
  // onto scratch, or into a new directory, looks up only its top entries).
  std::unordered_set<std::string> missing;
  for (const oci::TreeEntry& entry : entries) {
    size_t slash = entry.tar_path.rfind('/');
    if (slash != std::string::npos && missing.count(entry.tar_path.substr(0, slash)) != 0) {
      if (entry.kind == oci::EntryKind::kDir) missing.insert(entry.tar_path);
      continue;
    }
    struct stat existing;
    if (::lstat((parent_root + "/" + entry.tar_path).c_str(), &existing) != 0) {
      if (errno == ENOENT && entry.kind == oci::EntryKind::kDir) missing.insert(entry.tar_path);
      continue;
    }
    bool is_dir = entry.kind == oci::EntryKind::kDir;
    if (is_dir && !S_ISDIR(existing.st_mode))
      return CopyError("cannot copy to non-directory: /" + entry.tar_path + " (it is a " +
                       (S_ISLNK(existing.st_mode) ? "symlink" : "file") + " in the image)");
    if (!is_dir && S_ISDIR(existing.st_mode))
      return CopyError("cannot replace to directory /" + entry.tar_path + " with file");
  }
  return llvm::Error::success();
}

}  // namespace

llvm::Expected<std::vector<oci::TreeEntry>> PlanCopyLayer(const CopyRequest& request,
                                                          const std::string& parent_root,
                                                          const std::string& scratch_dir) {
  LayerTree tree;
  if (llvm::Error err = AddCopy(request, parent_root, scratch_dir, tree)) return err;
  std::vector<oci::TreeEntry> entries = tree.TakeEntries();
  if (!request.extract)
    if (llvm::Error err = CheckKindConflicts(entries, parent_root)) return err;
  return entries;
}

}  // namespace strata::schedule
