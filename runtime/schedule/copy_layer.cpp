// Docker's COPY semantics, built as a layer tree without starting a container.
#include "runtime/schedule/copy_layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <optional>

#include "compiler/graph/ignore_patterns.h"
#include "compiler/graph/local_source.h"
#include "runtime/exec/exec_error.h"
#include "runtime/exec/rootfs_path.h"
#include "runtime/oci/tree_scan.h"
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
  return value;
}

// The numeric id of `name` in an /etc/passwd or /etc/group text (field 3).
std::optional<long> LookupId(const std::optional<std::string>& file, const std::string& name) {
  if (!file) return std::nullopt;
  size_t start = 0;
  while (start < file->size()) {
    size_t end = file->find('\n', start);
    if (end == std::string::npos) end = file->size();
    std::string line = file->substr(start, end - start);
    start = end + 1;
    std::vector<std::string> fields;
    size_t field_start = 0;
    while (true) {
      size_t colon = line.find(':', field_start);
      fields.push_back(line.substr(field_start, colon == std::string::npos ? std::string::npos : colon - field_start));
      if (colon == std::string::npos) break;
      field_start = colon + 1;
    }
    if (fields.size() >= 3 && fields[0] == name) return ParseNumber(fields[2]);
  }
  return std::nullopt;
}

// The tar path of an absolute path in the image ("/a/b" -> "a/b", "/" -> "").
std::string TarPath(const std::string& absolute) {
  size_t start = absolute.find_first_not_of('/');
  return start == std::string::npos ? "" : absolute.substr(start);
}

// Adds `relative` ("/a/b") and its ancestors to the layer: existing ones in the parent with
// their metadata, missing ones 0755 with the given owner.
llvm::Error MakeParents(const std::string& parent_root, LayerTree& tree, const std::string& relative,
                        uid_t uid, gid_t gid, const std::string& dest) {
  std::string prefix;
  for (const std::string& part : PathSegments(relative)) {
    prefix += "/" + part;
    if (tree.Find(TarPath(prefix)) != nullptr) continue;
    struct stat parent;
    bool in_parent = ::lstat((parent_root + prefix).c_str(), &parent) == 0;
    if (in_parent && !S_ISDIR(parent.st_mode))
      return CopyError("cannot copy to '" + dest + "': '" + prefix + "' is not a directory in the image");
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

std::string BaseName(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  size_t slash = trimmed.find_last_of('/');
  return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

// An archive entry's path made relative to the extraction directory ("./a/../b" -> "b"; a
// leading '/' is dropped, as tar does), or nullopt when `..` climbs out of it.
std::optional<std::string> ArchivePath(const char* raw) {
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
  std::string path;
  for (const std::string& part : kept) path += (path.empty() ? "" : "/") + part;
  return path;
}

struct ReadArchiveDeleter {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
struct WriteArchiveDeleter {
  void operator()(archive* handle) const { archive_write_free(handle); }
};

// Unpacks `request.source` (a tar, maybe compressed) into `target_dir`, an existing directory.
llvm::Error ExtractArchive(const CopyRequest& request, const std::string& target_dir,
                           const std::optional<std::pair<uid_t, gid_t>>& chown) {
  std::unique_ptr<archive, ReadArchiveDeleter> reader(archive_read_new());
  std::unique_ptr<archive, WriteArchiveDeleter> writer(archive_write_disk_new());
  if (!reader || !writer) return CopyError("cannot allocate an archive reader");
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  // The secure flags are a second line of defence behind ArchivePath: no `..`, nothing
  // written through a symlink (so the paths below are canonical: no symlink on the way).
  archive_write_disk_set_options(writer.get(), ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                                                   ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                   ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  std::unique_ptr<char, decltype(&std::free)> canonical(::realpath(target_dir.c_str(), nullptr), &std::free);
  if (!canonical) return exec::ErrnoError(errno, "cannot resolve", target_dir);
  const std::string root = canonical.get();
  const std::string& file = request.source;
  if (archive_read_open_filename(reader.get(), file.c_str(), 1 << 16) != ARCHIVE_OK)
    return CopyError("ADD " + request.dest + ": cannot read archive '" + file + "': " +
                     archive_error_string(reader.get()));
  while (true) {
    archive_entry* entry = nullptr;
    int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      return CopyError("ADD " + request.dest + ": malformed archive: " + archive_error_string(reader.get()));
    const char* raw = archive_entry_pathname(entry);
    std::optional<std::string> path = ArchivePath(raw);
    if (!path) return CopyError("ADD " + request.dest + ": archive entry '" + raw + "' escapes the destination");
    if (path->empty()) continue;  // "./": the destination itself
    if (const char* link = archive_entry_hardlink(entry)) {
      std::optional<std::string> link_path = ArchivePath(link);
      if (!link_path || link_path->empty())
        return CopyError("ADD " + request.dest + ": hard link '" + raw + "' -> '" + link + "' escapes the destination");
      archive_entry_copy_hardlink(entry, (root + "/" + *link_path).c_str());
    }
    archive_entry_copy_pathname(entry, (root + "/" + *path).c_str());
    if (chown) {
      archive_entry_set_uid(entry, chown->first);
      archive_entry_set_gid(entry, chown->second);
      archive_entry_set_uname(entry, nullptr);
      archive_entry_set_gname(entry, nullptr);
    }
    if (!request.chmod.empty() && archive_entry_filetype(entry) != AE_IFLNK)
      archive_entry_set_perm(entry, static_cast<mode_t>(std::stoul(request.chmod, nullptr, 8)));
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
      return CopyError("ADD " + request.dest + ": cannot extract '" + raw + "': " +
                       (archive_error_string(writer.get()) ? archive_error_string(writer.get())
                                                           : archive_error_string(reader.get())));
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK)
    return CopyError("ADD " + request.dest + ": " + archive_error_string(writer.get()));
  return llvm::Error::success();
}

}  // namespace

llvm::Expected<std::pair<uid_t, gid_t>> ResolveChown(const std::string& spec, const std::string& root) {
  size_t colon = spec.find(':');
  std::string user = spec.substr(0, colon);
  std::string group = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (user.empty()) return CopyError("malformed chown '" + spec + "': expected user[:group]");
  std::optional<long> uid = ParseNumber(user);
  if (!uid) {
    llvm::Expected<std::optional<std::string>> passwd = exec::ReadFileInRoot(root, "/etc/passwd");
    if (!passwd) return passwd.takeError();
    uid = LookupId(*passwd, user);
    if (!uid) return CopyError("chown " + spec + ": unable to find user '" + user + "' in the image's /etc/passwd");
  }
  std::optional<long> gid = uid;  // Docker: a user without a group uses the uid as gid
  if (!group.empty()) {
    gid = ParseNumber(group);
    if (!gid) {
      llvm::Expected<std::optional<std::string>> groups = exec::ReadFileInRoot(root, "/etc/group");
      if (!groups) return groups.takeError();
      gid = LookupId(*groups, group);
      if (!gid) return CopyError("chown " + spec + ": unable to find group '" + group + "' in the image's /etc/group");
    }
  }
  return std::make_pair(static_cast<uid_t>(*uid), static_cast<gid_t>(*gid));
}

namespace {

llvm::Error AddCopy(const CopyRequest& request, const std::string& parent_root,
                    const std::string& scratch_dir, LayerTree& tree) {
  struct stat source;
  if (::lstat(request.source.c_str(), &source) != 0)
    return exec::ErrnoError(errno, "copy source is gone", request.source);

  CopyRules rules;
  rules.keep_owner = false;
  rules.normalize_local = request.local;
  rules.keep_modes = request.keep_modes;
  if (!request.chown.empty()) {
    llvm::Expected<std::pair<uid_t, gid_t>> ids = ResolveChown(request.chown, parent_root);
    if (!ids) return ids.takeError();
    rules.uid = ids->first;
    rules.gid = ids->second;
  }
  if (!request.chmod.empty()) {
    if (request.chmod.size() > 4 || request.chmod.find_first_not_of("01234567") != std::string::npos)
      return CopyError("malformed chmod '" + request.chmod + "': expected octal digits such as 755");
    rules.chmod = static_cast<mode_t>(std::stoul(request.chmod, nullptr, 8));
  }
  if (!request.exclude.empty() || !request.local_exclude.empty()) {
    std::vector<std::string> cleaned;
    for (const std::string& pattern : request.exclude) cleaned.push_back(graph::CleanIgnorePattern(pattern));
    auto user = std::make_shared<graph::IgnoreMatcher>(cleaned);
    auto local = std::make_shared<graph::IgnoreMatcher>(request.local_exclude);
    // The source's path below the local root, so that .dockerignore patterns line up.
    std::string prefix;
    if (!request.local_root.empty() && request.source.size() > request.local_root.size())
      prefix = request.source.substr(request.local_root.size() + 1) + "/";
    rules.exclude = [user, local, prefix](const std::string& relative) {
      return (!user->empty() && user->IsIgnored(relative)) || (!local->empty() && local->IsIgnored(prefix + relative));
    };
    rules.walk_excluded = user->has_exceptions() || local->has_exceptions();
  }

  const std::string& dest = request.dest;
  bool into = dest.empty() || dest.back() == '/' || dest == "." || dest == ".." ||
              (dest.size() >= 2 && dest.compare(dest.size() - 2, 2, "/.") == 0);
  std::string workdir = request.workdir.empty() ? "/" : request.workdir;
  std::string absolute = CleanPath(workdir, dest);
  llvm::Expected<std::string> resolved = ResolveInRoot(parent_root, absolute, /*follow_last=*/true, Escape::kClamp);
  if (!resolved) return resolved.takeError();
  struct stat existing;
  bool dest_is_dir = ::stat((parent_root + *resolved).c_str(), &existing) == 0 && S_ISDIR(existing.st_mode);

  if (request.extract) {
    // ADD of an archive: dest is a directory the entries are unpacked into.
    if (!S_ISREG(source.st_mode)) return CopyError("ADD " + dest + ": the archive is not a regular file");
    if (llvm::Error err = MakeParents(parent_root, tree, *resolved, rules.uid, rules.gid, dest)) return err;
    std::optional<std::pair<uid_t, gid_t>> chown;
    if (!request.chown.empty()) chown = std::make_pair(rules.uid, rules.gid);
    // The archive's entries have no file to point at: they are unpacked into the scratch
    // directory and listed from there, under dest.
    std::string unpacked = scratch_dir + "/unpacked";
    if (::mkdir(unpacked.c_str(), 0755) != 0) return exec::ErrnoError(errno, "cannot create", unpacked);
    if (llvm::Error err = ExtractArchive(request, unpacked, chown)) return err;
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
    if (llvm::Error err = MakeParents(parent_root, tree, parent, rules.uid, rules.gid, dest)) return err;
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
                         : (rules.chmod         ? *rules.chmod
                            : request.keep_modes ? 0755
                            : request.local      ? graph::NormalizedLocalMode(source.st_mode)
                                                 : (source.st_mode & 07777));
      dir.uid = existed ? in_parent.st_uid : rules.uid;
      dir.gid = existed ? in_parent.st_gid : rules.gid;
      tree.Put(std::move(dir));
    }
    return AddContents(request.source, target, rules, tree);
  }

  std::string file = *resolved;
  if (into || dest_is_dir) {
    if (llvm::Error err = MakeParents(parent_root, tree, *resolved, rules.uid, rules.gid, dest)) return err;
    file = (*resolved == "/" ? "" : *resolved) + "/" + BaseName(request.source);
  } else {
    std::string parent = resolved->substr(0, resolved->find_last_of('/'));
    if (llvm::Error err = MakeParents(parent_root, tree, parent, rules.uid, rules.gid, dest)) return err;
  }
  if (tree.Find(TarPath(file)) != nullptr)
    return CopyError("cannot copy to '" + dest + "': '" + file + "' is a directory in the image");
  return AddTree(request.source, TarPath(file), rules, tree);
}

}  // namespace

llvm::Expected<std::vector<oci::TreeEntry>> PlanCopyLayer(const CopyRequest& request,
                                                         const std::string& parent_root,
                                                         const std::string& scratch_dir) {
  LayerTree tree;
  if (llvm::Error err = AddCopy(request, parent_root, scratch_dir, tree)) return err;
  return tree.Entries();
}

}  // namespace strata::schedule
