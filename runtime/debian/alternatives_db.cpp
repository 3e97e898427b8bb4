// Writes the update-alternatives database files a Debian base would have after its postinsts.
#include "runtime/debian/alternatives_db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

namespace strata::debian {
namespace {

llvm::Error Errno(const char* what, const std::string& path) {
  return llvm::createStringError(std::error_code(errno, std::generic_category()), "%s %s: %s", what,
                                 path.c_str(), std::strerror(errno));
}

bool Writable(const AlternativeLink& link) {
  for (const std::string* text : {&link.link, &link.name, &link.path})
    if (text->empty() || text->find('\n') != std::string::npos) return false;
  return link.name.find('/') == std::string::npos && link.name != "." && link.name != "..";
}

// DIR/var/lib/dpkg/alternatives, made 0755 and owned by root where missing.
llvm::Expected<std::string> DbDir(const std::string& dir) {
  std::string at = dir;
  for (const char* part : {"var", "lib", "dpkg", "alternatives"}) {
    at += "/";
    at += part;
    if (::mkdir(at.c_str(), 0755) == 0) {
      if (::chown(at.c_str(), 0, 0) != 0) return Errno("cannot set the owner of", at);
    } else if (errno != EEXIST) {
      return Errno("cannot create", at);
    }
  }
  return at;
}

llvm::Error WriteFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return Errno("cannot create", path);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      llvm::Error err = Errno("cannot write", path);
      ::close(fd);
      return err;
    }
    done += static_cast<size_t>(n);
  }
  if (::fchown(fd, 0, 0) != 0 || ::fchmod(fd, 0644) != 0) {
    llvm::Error err = Errno("cannot set the owner of", path);
    ::close(fd);
    return err;
  }
  if (::close(fd) != 0) return Errno("cannot write", path);
  return llvm::Error::success();
}

}  // namespace

std::string AlternativesDbText(const std::string& master_link,
                               const std::vector<const Alternative*>& choices) {
  std::map<std::string, std::string> slaves;  // name → link; a map, so sorted by name
  for (const Alternative* choice : choices)
    for (const AlternativeLink& slave : choice->slaves)
      if (Writable(slave)) slaves.emplace(slave.name, slave.link);
  std::vector<const Alternative*> sorted = choices;
  std::sort(sorted.begin(), sorted.end(), [](const Alternative* a, const Alternative* b) {
    return a->master.path < b->master.path;
  });
  std::string text = "auto\n" + master_link + "\n";
  for (const auto& [name, link] : slaves) text += name + "\n" + link + "\n";
  text += "\n";
  for (const Alternative* choice : sorted) {
    text += choice->master.path + "\n" + std::to_string(choice->priority) + "\n";
    for (const auto& [name, link] : slaves) {
      std::string path;
      for (const AlternativeLink& slave : choice->slaves)
        if (slave.name == name && Writable(slave)) path = slave.path;
      text += path + "\n";
    }
  }
  text += "\n";
  return text;
}

llvm::Error WriteAlternativesDb(const std::string& dir, const std::vector<Alternative>& candidates,
                                const std::function<bool(const std::string&)>& exists) {
  // NAME → path → the last registration of that path.
  std::map<std::string, std::map<std::string, const Alternative*>> names;
  for (const Alternative& candidate : candidates) {
    if (!Writable(candidate.master) || candidate.master.link[0] != '/' ||
        candidate.master.path[0] != '/' || !exists(candidate.master.path))
      continue;
    names[candidate.master.name][candidate.master.path] = &candidate;
  }
  if (names.empty()) return llvm::Error::success();
  llvm::Expected<std::string> db = DbDir(dir);
  if (!db) return db.takeError();
  for (const auto& [name, by_path] : names) {
    std::vector<const Alternative*> choices;
    const Alternative* best = nullptr;
    for (const auto& [path, choice] : by_path) {
      choices.push_back(choice);
      if (!best || choice->priority > best->priority)
        best = choice;  // by_path is sorted: ties keep the smaller
    }
    // The winner first, so its slave links are the ones kept.
    std::stable_partition(choices.begin(), choices.end(),
                          [&](const Alternative* c) { return c == best; });
    if (llvm::Error err =
            WriteFile(*db + "/" + name, AlternativesDbText(best->master.link, choices)))
      return err;
  }
  return llvm::Error::success();
}

}  // namespace strata::debian
