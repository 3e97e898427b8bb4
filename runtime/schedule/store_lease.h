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
// The roots of one build of several targets, in one file (one write and one fsync, however many
// targets): <store>/roots/<time>-<pid>-build-<first key>.json {"time", "roots": [{key, node,
// blobs}...]}. All take the time of the first; one root is written as WriteRoot writes it.
llvm::Error WriteRoots(const store::Store& store, const std::vector<RootRecord>& roots);
// Every readable root record; unreadable ones are skipped (and reported by gc as removed).
llvm::Expected<std::vector<RootRecord>> ReadRoots(const store::Store& store);

}  // namespace strata::schedule
