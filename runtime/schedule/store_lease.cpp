// The store-wide build/gc lock and the root records builds leave for gc.
#include "runtime/schedule/store_lease.h"

#include <dirent.h>
#include <fcntl.h>
#include <llvm/ADT/StringRef.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "compiler/graph/local_source.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/file_read.h"
#include "compiler/support/unique_fd.h"
#include "runtime/exec/scratch_dir.h"
#include "runtime/store/temp_file.h"

namespace strata::schedule {

llvm::Expected<StoreLease> StoreLease::Acquire(const store::Store& store, Mode mode,
                                               const std::function<void()>& on_wait) {
  std::string path = store.Root() + "/store.lock";
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) return support::ErrnoError(errno, "cannot open", path);
  int operation = mode == Mode::kShared ? LOCK_SH : LOCK_EX;
  if (::flock(fd.Get(), operation | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return support::ErrnoError(errno, "cannot lock", path);
    if (on_wait) on_wait();
    while (::flock(fd.Get(), operation) != 0)
      if (errno != EINTR) return support::ErrnoError(errno, "cannot lock", path);
  }
  return StoreLease(std::move(fd));
}

namespace {

nlohmann::json RootJson(const RootRecord& root) {
  nlohmann::json json = {{"key", root.key}, {"blobs", root.blobs}};
  if (!root.node.empty()) json["node"] = root.node;
  return json;
}

// Writes `json` durably as roots/<time>-<pid>-<tail>.json.
llvm::Error WriteRootFile(const store::Store& store, const nlohmann::json& json, int64_t time,
                          const std::string& tail) {
  std::string dir = store.Root() + "/roots";
  if (llvm::Error err = exec::MakeDirs(dir)) return err;
  std::string text = json.dump() + "\n";
  llvm::Expected<store::TempFile> file = store::TempFile::Create(store.TmpDir(), 0644);
  if (!file) return file.takeError();
  if (llvm::Error err = file->WriteAll(text.data(), text.size())) return err;
  std::string name =
      dir + "/" + std::to_string(time) + "-" + std::to_string(::getpid()) + "-" + tail + ".json";
  return file->CommitReplace(name);
}

// Fills `root` from one root object (`time` given); false when it is not one.
bool ParseRoot(const nlohmann::json& json, int64_t time, RootRecord& root) {
  if (!json.is_object() || !json.contains("key") || !json["key"].is_string()) return false;
  root.key = json["key"];
  root.time = time;
  if (json.contains("node") && json["node"].is_string()) root.node = json["node"];
  if (json.contains("blobs") && json["blobs"].is_array())
    for (const nlohmann::json& blob : json["blobs"])
      if (blob.is_string()) root.blobs.push_back(blob);
  return true;
}

}  // namespace

llvm::Error WriteRoot(const store::Store& store, const RootRecord& root) {
  nlohmann::json json = RootJson(root);
  json["time"] = root.time;
  // A root of blobs alone (a lock's index) is named by its first blob, so two in one process
  // and second do not replace each other.
  std::string tail = root.key;
  if (tail.empty() && !root.blobs.empty())
    tail = "blobs-" + llvm::StringRef(root.blobs[0]).rsplit(':').second.str();
  return WriteRootFile(store, json, root.time, tail);
}

void AppendMemoRoots(std::vector<RootRecord>& roots, std::vector<std::string> memo_keys) {
  std::sort(memo_keys.begin(), memo_keys.end());
  memo_keys.erase(std::unique(memo_keys.begin(), memo_keys.end()), memo_keys.end());
  int64_t time = roots.empty() ? 0 : roots.front().time;
  for (std::string& key : memo_keys) {
    RootRecord& memo = roots.emplace_back();
    memo.key = std::move(key);
    memo.time = time;
  }
}

namespace {

// The JSON array of the roots' entries, as a roots file holds it.
std::string EntriesText(const std::vector<RootRecord>& roots) {
  nlohmann::json entries = nlohmann::json::array();
  for (const RootRecord& root : roots) entries.push_back(RootJson(root));
  return entries.dump();
}

std::string NameOfEntries(const std::string& entries) {
  return "build-" + graph::ContentHashHex(entries) + ".json";
}

}  // namespace

std::string RootsFileName(const std::vector<RootRecord>& roots) {
  return NameOfEntries(EntriesText(roots));
}

namespace {

// Whether `text` is exactly `prefix` followed by a time and "}\n" (a roots file whose entries
// are the ones `prefix` holds, whatever its time).
bool SameRoots(const std::string& text, const std::string& prefix) {
  if (text.size() < prefix.size() + 3 || text.compare(0, prefix.size(), prefix) != 0) return false;
  size_t end = text.size() - 2;
  if (text.compare(end, 2, "}\n") != 0) return false;
  return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(prefix.size()),
                     text.begin() + static_cast<std::ptrdiff_t>(end),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// When `path` already records exactly these entries: sets its modification time to now and
// makes that durable (gc counts a root's time as the later of the two), and returns true.
bool RenewRootsFile(const std::string& path, const std::string& prefix) {
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return false;
  // The entries and a time: a longer file is not one of these.
  llvm::Expected<std::string> text = support::ReadAll(fd.Get(), path, prefix.size() + 32);
  if (!text) {
    llvm::consumeError(text.takeError());
    return false;
  }
  if (!SameRoots(*text, prefix)) return false;
  struct timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  return ::futimens(fd.Get(), now) == 0 && ::fsync(fd.Get()) == 0;
}

}  // namespace

llvm::Error WriteRoots(const store::Store& store, const std::vector<RootRecord>& roots) {
  if (roots.empty()) return llvm::Error::success();
  std::string entries = EntriesText(roots);
  // {"roots":[...],"time":T}: the entries first, so that a file of the same entries is found
  // by its name and compared without parsing.
  std::string prefix = "{\"roots\":" + entries + ",\"time\":";
  std::string dir = store.Root() + "/roots";
  std::string path = dir + "/" + NameOfEntries(entries);
  // A build whose roots a file already records (every no-op of the same targets) renews that
  // file instead of adding one.
  if (RenewRootsFile(path, prefix)) return llvm::Error::success();
  if (llvm::Error err = exec::MakeDirs(dir)) return err;
  std::string text = prefix + std::to_string(roots[0].time) + "}\n";
  llvm::Expected<store::TempFile> file = store::TempFile::Create(store.TmpDir(), 0644);
  if (!file) return file.takeError();
  if (llvm::Error err = file->WriteAll(text.data(), text.size())) return err;
  // Replaces a damaged file of the name too.
  return file->CommitReplace(path);
}

llvm::Expected<std::vector<RootRecord>> ReadRoots(const store::Store& store) {
  std::string dir = store.Root() + "/roots";
  std::vector<RootRecord> roots;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    if (errno == ENOENT) return roots;
    return support::ErrnoError(errno, "cannot read", dir);
  }
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(handle))
    if (entry->d_name[0] != '.') names.push_back(entry->d_name);
  ::closedir(handle);
  for (const std::string& name : names) {
    RootRecord root;
    root.file = dir + "/" + name;
    std::ifstream in(root.file);
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    bool timed = json.is_object() && json.contains("time") && json["time"].is_number_integer();
    // A root's time is the later of the time it records and its file's modification time (a
    // build whose roots a file already records renews the file's time: WriteRoots).
    int64_t time = timed ? json["time"].get<int64_t>() : 0;
    struct stat st;
    if (timed && ::stat(root.file.c_str(), &st) == 0)
      time = std::max(time, static_cast<int64_t>(st.st_mtime));
    if (timed && json.contains("roots") && json["roots"].is_array() && !json["roots"].empty()) {
      // A WriteRoots file: one record per target, all with the file's time.
      bool whole = true;
      std::vector<RootRecord> entries;
      for (const nlohmann::json& entry : json["roots"]) {
        RootRecord one;
        one.file = root.file;
        whole = whole && ParseRoot(entry, time, one);
        entries.push_back(std::move(one));
      }
      if (whole) {
        for (RootRecord& entry : entries) roots.push_back(std::move(entry));
        continue;
      }
    } else if (timed) {
      ParseRoot(json, time, root);
    }
    roots.push_back(std::move(root));  // key empty: unreadable, gc removes it
  }
  return roots;
}

}  // namespace strata::schedule
