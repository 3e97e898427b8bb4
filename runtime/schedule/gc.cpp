// Garbage collection of the store: mark from recent roots through node records, sweep the rest.
#include "runtime/schedule/gc.h"

#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <set>

#include "compiler/support/dir_names.h"
#include "runtime/exec/scratch_dir.h"
#include "runtime/schedule/node_output.h"
#include "runtime/schedule/store_lease.h"
#include "runtime/schedule/work_dir.h"

namespace strata::schedule {
namespace {

thread_local uint64_t tree_bytes = 0;
int AddSize(const char*, const struct stat* st, int type, struct FTW*) {
  if (type == FTW_F) tree_bytes += static_cast<uint64_t>(st->st_size);
  return 0;
}

uint64_t TreeSize(const std::string& path) {
  tree_bytes = 0;
  ::nftw(path.c_str(), AddSize, 16, FTW_PHYS | FTW_MOUNT);
  return tree_bytes;
}

std::string Hex(const std::string& digest) {
  return digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest;
}

}  // namespace

llvm::Expected<GcReport> CollectGarbage(const store::Store& store, const GcOptions& options) {
  GcReport report;
  const std::string& root = store.Root();
  int64_t now = options.now != 0 ? options.now : static_cast<int64_t>(std::time(nullptr));

  std::set<std::string> keys, blobs, layers, artifacts;
  std::deque<std::string> pending;
  llvm::Expected<std::vector<RootRecord>> roots = ReadRoots(store);
  if (!roots) return roots.takeError();
  for (const RootRecord& record : *roots) {
    // An unreadable record has neither key nor blobs; a lock's has blobs only.
    if ((record.key.empty() && record.blobs.empty()) || record.time < now - options.keep_seconds) {
      ::unlink(record.file.c_str());
      ++report.roots_removed;
      continue;
    }
    ++report.roots_kept;
    if (!record.key.empty()) pending.push_back(record.key);
    for (const std::string& blob : record.blobs) blobs.insert(Hex(blob));
  }
  // Mark: every record reachable through "inputs", and what each names.
  while (!pending.empty()) {
    std::string key = std::move(pending.front());
    pending.pop_front();
    if (!keys.insert(key).second) continue;
    llvm::Expected<std::optional<nlohmann::json>> record = store.GetNodeRecord(key);
    if (!record) {
      llvm::consumeError(record.takeError());
      continue;
    }
    if (!*record) continue;
    const nlohmann::json& json = **record;
    if (json.contains("inputs") && json["inputs"].is_array())
      for (const nlohmann::json& input : json["inputs"])
        if (input.is_string()) pending.push_back(input);
    for (const std::string& dir : RecordArtifactDirs(json)) artifacts.insert(dir);
    llvm::Expected<NodeOutput> output = FromRecord(store, json);
    if (!output) {
      llvm::consumeError(output.takeError());
      continue;
    }
    for (const std::string& source : output->sources) blobs.insert(Hex(source));
    for (const oci::LayerDescriptor& layer : output->image.layers) {
      blobs.insert(Hex(layer.digest));
      layers.insert(Hex(layer.diff_id));
    }
  }

  // Sweep.
  for (const std::string& name : support::SortedDirNamesOrNone(root + "/nodes")) {
    std::string path = root + "/nodes/" + name;
    struct stat st;
    uint64_t size = ::lstat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
    std::string key = name.size() > 5 ? name.substr(0, name.size() - 5) : name;
    GcCount& count = keys.count(key) ? report.records_kept : report.records_removed;
    if (!keys.count(key) && ::unlink(path.c_str()) != 0) continue;
    ++count.items;
    count.bytes += size;
  }
  for (const std::string& name : support::SortedDirNamesOrNone(root + "/blobs/sha256")) {
    std::string path = root + "/blobs/sha256/" + name;
    struct stat st;
    uint64_t size = ::lstat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
    GcCount& count = blobs.count(name) ? report.blobs_kept : report.blobs_removed;
    if (!blobs.count(name) && ::unlink(path.c_str()) != 0) continue;
    ++count.items;
    count.bytes += size;
  }
  // A verified stamp outlives no blob (a stale one could never match, but it takes space).
  for (const std::string& name : support::SortedDirNamesOrNone(root + "/blobs/verified"))
    if (!blobs.count(name)) ::unlink((root + "/blobs/verified/" + name).c_str());
  auto sweep_dirs = [&](const std::string& dir, const std::set<std::string>& keep, GcCount& kept,
                        GcCount& removed) -> llvm::Error {
    for (const std::string& name : support::SortedDirNamesOrNone(dir)) {
      std::string path = dir + "/" + name;
      uint64_t size = TreeSize(path);
      if (keep.count(name)) {
        ++kept.items;
        kept.bytes += size;
        continue;
      }
      if (llvm::Error err = exec::RemoveTree(path)) return err;
      ++removed.items;
      removed.bytes += size;
    }
    return llvm::Error::success();
  };
  if (llvm::Error err =
          sweep_dirs(root + "/layers", layers, report.layers_kept, report.layers_removed))
    return err;
  if (llvm::Error err = sweep_dirs(root + "/artifacts", artifacts, report.artifacts_kept,
                                   report.artifacts_removed))
    return err;
  // The parse, package and evaluation caches are keyed by file text: an entry unused for
  // keep_seconds is most likely for files that changed since; its mtime is when it was last
  // written.
  auto sweep_by_age = [&](const std::string& dir, GcCount& kept, GcCount& removed) {
    for (const std::string& name : support::SortedDirNamesOrNone(dir)) {
      std::string path = dir + "/" + name;
      struct stat st;
      if (::lstat(path.c_str(), &st) != 0) continue;
      bool old = st.st_mtime < now - options.keep_seconds;
      if (old && ::unlink(path.c_str()) != 0) continue;
      GcCount& count = old ? removed : kept;
      ++count.items;
      count.bytes += static_cast<uint64_t>(st.st_size);
    }
  };
  sweep_by_age(root + "/parse-cache", report.parse_cache_kept, report.parse_cache_removed);
  sweep_by_age(root + "/package-cache", report.package_cache_kept, report.package_cache_removed);
  sweep_by_age(root + "/graph-cache", report.graph_cache_kept, report.graph_cache_removed);
  llvm::Expected<size_t> work = CleanStaleWorkDirs(store);
  if (!work) return work.takeError();
  report.work_removed = *work;
  llvm::Expected<size_t> temps = store.CleanTemps();
  if (!temps) return temps.takeError();
  report.temps_removed = *temps;
  return report;
}

}  // namespace strata::schedule
