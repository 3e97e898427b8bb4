// The store-wide lock that keeps `strata gc` away from running builds, and the root records
// a build leaves for gc.
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "compiler/support/unique_fd.h"
#include "runtime/store/store.h"

namespace strata::schedule {

// flock on <store>/store.lock: builds hold it shared for their whole run, gc exclusively.
// Released when destroyed (or when the process dies).
class StoreLease {
 public:
  enum class Mode { kShared, kExclusive };
  // Blocks until granted; `on_wait` (may be empty) is called once if it has to wait.
  static llvm::Expected<StoreLease> Acquire(const store::Store& store, Mode mode,
                                            const std::function<void()>& on_wait = {});

 private:
  explicit StoreLease(support::UniqueFd fd) : fd_(std::move(fd)) {}
  support::UniqueFd fd_;
};

// What one build produced: <store>/roots/<time>-<pid>-<key>.json (or one entry of a
// WriteRoots file).
struct RootRecord {
  std::string key;                 // the target's record key (RecordKeys::Of); "" for a root of
                                   // blobs alone (the index blobs `strata lock` read)
  std::string node;                // the target's derivation key, as `strata graph` prints it
  int64_t time = 0;                // unix seconds
  std::vector<std::string> blobs;  // config and manifest digests written for it
  std::string file;                // where it was read from (ReadRoots)
};

llvm::Error WriteRoot(const store::Store& store, const RootRecord& root);
// The roots of one build, in one file (one write and one fsync, however many targets):
// <store>/roots/RootsFileName(roots) {"roots": [{key, node, blobs}...], "time"}, all with the
// time of the first. When that file already records exactly these roots (a no-op of the same
// targets), its modification time is set to now (fsynced) instead, and nothing is added: gc
// counts the later of the two times, so the roots stay alive as long as a new file would keep
// them.
llvm::Error WriteRoots(const store::Store& store, const std::vector<RootRecord>& roots);
// Appends a root {key: memo key, no blobs} for each compressed-layer memo key (schedule::
// CompressDeferredLayers), sorted and each once, with the time of roots' first: the one order
// a build and a later no-op of the same targets both give, so the no-op renews the build's file.
void AppendMemoRoots(std::vector<RootRecord>& roots, std::vector<std::string> memo_keys);
// "build-<32 hex>.json": XXH3-128 of the roots' entries (keys, nodes, blobs; not their time).
std::string RootsFileName(const std::vector<RootRecord>& roots);
// Every readable root record, each with the later of its recorded time and its file's
// modification time; unreadable ones are returned without key or blobs (gc removes them).
llvm::Expected<std::vector<RootRecord>> ReadRoots(const store::Store& store);

}  // namespace strata::schedule
