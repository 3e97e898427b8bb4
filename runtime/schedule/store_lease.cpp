// The store-wide build/gc lock and the root records builds leave for gc.
#include "runtime/schedule/store_lease.h"

#include <dirent.h>
#include <fcntl.h>
#include <llvm/ADT/StringRef.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "compiler/support/errno_error.h"
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

llvm::Error WriteRoot(const store::Store& store, const RootRecord& root) {
  std::string dir = store.Root() + "/roots";
  if (llvm::Error err = exec::MakeDirs(dir)) return err;
  nlohmann::json json = {{"key", root.key}, {"time", root.time}, {"blobs", root.blobs}};
  if (!root.node.empty()) json["node"] = root.node;
  std::string text = json.dump() + "\n";
  llvm::Expected<store::TempFile> file = store::TempFile::Create(store.TmpDir(), 0644);
  if (!file) return file.takeError();
  if (llvm::Error err = file->WriteAll(text.data(), text.size())) return err;
  // A root of blobs alone (a lock's index) is named by its first blob, so two in one process
  // and second do not replace each other.
  std::string tail = root.key;
  if (tail.empty() && !root.blobs.empty())
    tail = "blobs-" + llvm::StringRef(root.blobs[0]).rsplit(':').second.str();
  std::string name = dir + "/" + std::to_string(root.time) + "-" + std::to_string(::getpid()) +
                     "-" + tail + ".json";
  return file->CommitReplace(name);
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
    if (json.is_object() && json.contains("key") && json["key"].is_string() &&
        json.contains("time") && json["time"].is_number_integer()) {
      root.key = json["key"];
      root.time = json["time"];
      if (json.contains("node") && json["node"].is_string()) root.node = json["node"];
      if (json.contains("blobs") && json["blobs"].is_array())
        for (const nlohmann::json& blob : json["blobs"])
          if (blob.is_string()) root.blobs.push_back(blob);
    }
    roots.push_back(std::move(root));  // key empty: unreadable, gc removes it
  }
  return roots;
}

}  // namespace strata::schedule
