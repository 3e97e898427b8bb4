// A hard-linked view of all layers (cheap: no file data is copied) is what ldconfig reads.
#include "runtime/debian/loader_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "runtime/exec/child_process.h"

namespace strata::debian {
namespace {

llvm::Error Errno(const char* what, const std::string& path) {
  return llvm::createStringError(std::error_code(errno, std::generic_category()), "%s %s: %s", what,
                                 path.c_str(), std::strerror(errno));
}

// Hard-links the tree at `from` into `to` (an existing directory); an entry already in `to`
// is replaced, except that directories merge.
llvm::Error LinkTree(const std::string& from, const std::string& to) {
  DIR* dir = ::opendir(from.c_str());
  if (!dir) return Errno("cannot list", from);
  std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, ::closedir);
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string source = from + "/" + name, target = to + "/" + name;
    struct stat st, existing;
    if (::lstat(source.c_str(), &st) != 0) return Errno("cannot stat", source);
    bool have = ::lstat(target.c_str(), &existing) == 0;
    if (S_ISDIR(st.st_mode)) {
      if (have && !S_ISDIR(existing.st_mode) && ::unlink(target.c_str()) != 0)
        return Errno("cannot replace", target);
      if ((!have || !S_ISDIR(existing.st_mode)) && ::mkdir(target.c_str(), 0755) != 0)
        return Errno("cannot create", target);
      if (llvm::Error err = LinkTree(source, target)) return err;
      continue;
    }
    if (have && S_ISDIR(existing.st_mode))
      continue;  // a directory below wins over a file above; rare
    if (have && ::unlink(target.c_str()) != 0) return Errno("cannot replace", target);
    if (::link(source.c_str(), target.c_str()) != 0) return Errno("cannot link", target);
  }
  return llvm::Error::success();
}

llvm::Error WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return llvm::createStringError(std::errc::io_error, "cannot write %s", path.c_str());
  if (::chown(path.c_str(), 0, 0) != 0 || ::chmod(path.c_str(), 0644) != 0)
    return Errno("cannot set the mode of", path);
  return llvm::Error::success();
}

}  // namespace

llvm::Error WriteLoaderCache(const std::string& dir, const std::vector<std::string>& trees,
                             const std::string& scratch) {
  struct stat st;
  bool have_conf = false;
  for (const std::string& tree : trees)
    have_conf |= ::lstat((tree + "/etc/ld.so.conf").c_str(), &st) == 0;
  if (::mkdir((dir + "/etc").c_str(), 0755) != 0 && errno != EEXIST)
    return Errno("cannot create", dir + "/etc");
  if (!have_conf)
    if (llvm::Error err = WriteFile(dir + "/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n"))
      return err;
  for (const std::string& tree : trees)
    if (llvm::Error err = LinkTree(tree, scratch)) return err;
  if (llvm::Error err = LinkTree(dir, scratch)) return err;

  const char* ldconfig = "/sbin/ldconfig";
  if (::access(ldconfig, X_OK) != 0)
    return llvm::createStringError(
        std::errc::no_such_file_or_directory,
        "cannot write /etc/ld.so.cache: %s is not installed (Debian package libc-bin)", ldconfig);
  // The cache must not be a hard link into a layer: ldconfig writes a new file and renames it.
  ::unlink((scratch + "/etc/ld.so.cache").c_str());
  exec::OutputCollector collector(nullptr, -1, 6);
  llvm::Expected<exec::ChildExit> exit = exec::RunChild(
      {ldconfig, "-X", "-r", scratch, "-C", "/etc/ld.so.cache", "-f", "/etc/ld.so.conf"},
      &collector, std::chrono::minutes(2), [] {});
  if (!exit) return exit.takeError();
  collector.Finish();
  if (exit->timed_out || !WIFEXITED(exit->wait_status) || WEXITSTATUS(exit->wait_status) != 0) {
    std::string lines;
    for (const std::string& line : collector.Tail()) lines += "\n  " + line;
    return llvm::createStringError(std::errc::io_error,
                                   "ldconfig could not write /etc/ld.so.cache:%s", lines.c_str());
  }
  std::ifstream in(scratch + "/etc/ld.so.cache", std::ios::binary);
  std::ostringstream cache;
  cache << in.rdbuf();
  if (!in)
    return llvm::createStringError(std::errc::io_error, "ldconfig wrote no /etc/ld.so.cache");
  return WriteFile(dir + "/etc/ld.so.cache", cache.str());
}

}  // namespace strata::debian
