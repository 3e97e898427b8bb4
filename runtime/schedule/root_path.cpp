// Resolving paths inside a root without leaving it, and copying trees without following links.
#include "runtime/schedule/root_path.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <utility>
#include <vector>

#include "compiler/graph/local_source.h"
#include "compiler/support/dir_names.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/slash_path.h"
#include "compiler/support/unique_fd.h"
#include "runtime/oci/file_capability.h"

namespace strata::schedule {

CopiedAttributes AttributesOf(const struct stat& st, const CopyRules& rules) {
  mode_t mode = rules.normalize_local && !rules.keep_modes ? graph::NormalizedLocalMode(st.st_mode)
                                                           : (st.st_mode & 07777);
  if (rules.chmod && !S_ISLNK(st.st_mode)) mode = *rules.chmod;
  return {mode, rules.keep_owner ? st.st_uid : rules.uid, rules.keep_owner ? st.st_gid : rules.gid};
}

llvm::Expected<CopiedAttributes> LstatForCopy(const std::string& source, const CopyRules& rules,
                                              struct stat& st) {
  if (::lstat(source.c_str(), &st) != 0) return support::ErrnoError(errno, "cannot stat", source);
  return AttributesOf(st, rules);
}

namespace {

constexpr int kMaxSymlinks = 40;

std::string Join(const std::vector<std::string>& parts) {
  std::string path;
  for (const std::string& part : parts) path += "/" + part;
  return path.empty() ? "/" : path;
}

llvm::Error PathError(const std::string& message) {
  return llvm::createStringError(std::make_error_code(std::errc::permission_denied), message);
}

llvm::Error CopyEntry(const std::string& source, const std::string& dest,
                      const std::string& relative, const CopyRules& rules, bool merge);

llvm::Error CopyChildren(const std::string& source, const std::string& dest,
                         const std::string& relative, const CopyRules& rules, bool merge) {
  llvm::Expected<std::vector<std::string>> children = SortedChildren(source);
  if (!children) return children.takeError();
  for (const std::string& name : *children) {
    std::string child_relative = relative.empty() ? name : relative + "/" + name;
    if (llvm::Error err =
            CopyEntry(source + "/" + name, dest + "/" + name, child_relative, rules, merge))
      return err;
  }
  return llvm::Error::success();
}

llvm::Error CopyEntry(const std::string& source, const std::string& dest,
                      const std::string& relative, const CopyRules& rules, bool merge) {
  struct stat st;
  llvm::Expected<CopiedAttributes> copied = LstatForCopy(source, rules, st);
  if (!copied) return copied.takeError();
  auto finish = [&]() -> llvm::Error {
    // chown clears set-id bits, so the mode goes last.
    if (::lchown(dest.c_str(), copied->uid, copied->gid) != 0)
      return support::ErrnoError(errno, "cannot chown", dest);
    if (::chmod(dest.c_str(), copied->mode) != 0)
      return support::ErrnoError(errno, "cannot chmod", dest);
    return llvm::Error::success();
  };

  if (!relative.empty()) {
    if (rules.normalize_local && graph::IsExcludedLocalEntry(support::BaseName(relative)))
      return llvm::Error::success();
    if (rules.exclude && rules.exclude(relative)) {
      if (!S_ISDIR(st.st_mode) || !rules.walk_excluded) return llvm::Error::success();
      // Kept only if something below is re-included.
      struct stat existing;
      bool existed = ::lstat(dest.c_str(), &existing) == 0;
      if (!existed && ::mkdir(dest.c_str(), 0700) != 0)
        return support::ErrnoError(errno, "cannot create", dest);
      if (llvm::Error err = CopyChildren(source, dest, relative, rules, merge)) return err;
      if (existed || ::rmdir(dest.c_str()) == 0) return llvm::Error::success();
      return finish();
    }
  }

  struct stat existing;
  bool exists = merge && ::lstat(dest.c_str(), &existing) == 0;
  if (exists && !(S_ISDIR(existing.st_mode) && S_ISDIR(st.st_mode))) {
    if (S_ISDIR(existing.st_mode))
      return support::ErrnoError(EISDIR, "cannot replace directory", dest);
    if (::unlink(dest.c_str()) != 0) return support::ErrnoError(errno, "cannot replace", dest);
    exists = false;
  }

  std::string capability;  // a regular file's, set after finish's chown (which drops it)
  if (S_ISDIR(st.st_mode)) {
    if (!exists && ::mkdir(dest.c_str(), 0700) != 0)
      return support::ErrnoError(errno, "cannot create", dest);
    if (llvm::Error err = CopyChildren(source, dest, relative, rules, merge)) return err;
  } else if (S_ISREG(st.st_mode)) {
    if (rules.links != nullptr && st.st_nlink > 1) {
      auto [first, inserted] = rules.links->try_emplace({st.st_dev, st.st_ino}, dest);
      if (!inserted) {  // owner, mode and capability are the first copy's
        if (::link(first->second.c_str(), dest.c_str()) != 0)
          return support::ErrnoError(errno, "cannot link", dest);
        return llvm::Error::success();
      }
    }
    if (llvm::Error err = CopyFileData(source, dest)) return err;
    // A stage's file keeps its capability, as BuildKit's COPY --from does; the user's do not.
    if (!rules.normalize_local) {
      llvm::Expected<std::string> read = oci::ReadFileCapability(source);
      if (!read) return read.takeError();
      capability = std::move(*read);
    }
  } else if (S_ISLNK(st.st_mode)) {
    std::vector<char> target(static_cast<size_t>(st.st_size) + 2);
    ssize_t n = ::readlink(source.c_str(), target.data(), target.size() - 1);
    if (n < 0) return support::ErrnoError(errno, "cannot read link", source);
    target[static_cast<size_t>(n)] = '\0';
    if (::symlink(target.data(), dest.c_str()) != 0)
      return support::ErrnoError(errno, "cannot create symlink", dest);
    if (::lchown(dest.c_str(), copied->uid, copied->gid) != 0)
      return support::ErrnoError(errno, "cannot chown", dest);
    return llvm::Error::success();
  } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    if (::mknod(dest.c_str(), (st.st_mode & S_IFMT) | 0600, st.st_rdev) != 0)
      return support::ErrnoError(errno, "cannot create", dest);
  } else {
    return llvm::Error::success();  // sockets are not copied (nor are they in layers)
  }
  if (llvm::Error err = finish()) return err;
  return oci::WriteFileCapability(dest, capability);
}

}  // namespace

llvm::Expected<std::vector<std::string>> SortedChildren(const std::string& dir) {
  return support::SortedDirNames(dir);
}

llvm::Error CopyFileData(const std::string& source, const std::string& dest) {
  support::UniqueFd in(::open(source.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in) return support::ErrnoError(errno, "cannot open", source);
  support::UniqueFd out(
      ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out) return support::ErrnoError(errno, "cannot create", dest);
  std::vector<char> buffer(1 << 16);
  while (true) {
    ssize_t n = ::read(in.Get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return support::ErrnoError(errno, "cannot read", source);
    if (n == 0) return llvm::Error::success();
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.Get(), buffer.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return support::ErrnoError(errno, "cannot write", dest);
      done += w;
    }
  }
}

std::vector<std::string> PathSegments(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

llvm::Expected<std::string> ResolveInRoot(const std::string& root, const std::string& path,
                                          bool follow_last, Escape escape) {
  std::deque<std::string> remaining;
  for (std::string& part : PathSegments(path)) remaining.push_back(std::move(part));
  std::vector<std::string> resolved;
  int hops = 0;
  while (!remaining.empty()) {
    std::string part = std::move(remaining.front());
    remaining.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (!resolved.empty())
        resolved.pop_back();
      else if (escape == Escape::kError)
        return PathError("path '" + path + "' leads outside its artifact");
      continue;
    }
    std::string candidate = root + Join(resolved) + (resolved.empty() ? "" : "/") + part;
    struct stat st;
    if (::lstat(candidate.c_str(), &st) == 0 && S_ISLNK(st.st_mode) &&
        (!remaining.empty() || follow_last)) {
      if (++hops > kMaxSymlinks) return PathError("too many symlinks resolving '" + path + "'");
      std::vector<char> target(static_cast<size_t>(st.st_size) + 2);
      ssize_t n = ::readlink(candidate.c_str(), target.data(), target.size() - 1);
      if (n < 0) return support::ErrnoError(errno, "cannot read link", candidate);
      std::string link(target.data(), static_cast<size_t>(n));
      if (!link.empty() && link[0] == '/') {
        if (escape == Escape::kError)
          return PathError("path '" + path + "' goes through symlink '" + Join(resolved) +
                           (resolved.empty() ? "" : "/") + part + "' -> '" + link +
                           "', which points outside its artifact");
        resolved.clear();
      }
      std::vector<std::string> parts = PathSegments(link);
      remaining.insert(remaining.begin(), parts.begin(), parts.end());
      continue;
    }
    resolved.push_back(std::move(part));
  }
  return Join(resolved);
}

llvm::Error CopyTree(const std::string& source, const std::string& dest, const CopyRules& rules) {
  return CopyEntry(source, dest, "", rules, /*merge=*/false);
}

llvm::Error CopyContents(const std::string& source, const std::string& dest,
                         const CopyRules& rules) {
  return CopyChildren(source, dest, "", rules, /*merge=*/true);
}

}  // namespace strata::schedule
