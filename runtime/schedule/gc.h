// Garbage collection of the store: keeps what recent builds use, removes the rest.
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/store/store.h"

namespace strata::schedule {

struct GcOptions {
  int64_t keep_seconds = 7 * 24 * 3600;  // builds newer than this are roots
  int64_t now = 0;                       // unix seconds; 0 = the current time
};

struct GcCount {
  uint64_t items = 0;
  uint64_t bytes = 0;
};

struct GcReport {
  size_t roots_kept = 0, roots_removed = 0;
  GcCount records_kept, records_removed;
  GcCount blobs_kept, blobs_removed;
  GcCount layers_kept, layers_removed;                // extracted layer dirs
  GcCount artifacts_kept, artifacts_removed;          // selected and fetched artifacts
  GcCount parse_cache_kept, parse_cache_removed;      // parse-cache/ entries (by age)
  GcCount package_cache_kept, package_cache_removed;  // package-cache/ entries (by age)
  GcCount graph_cache_kept, graph_cache_removed;      // graph-cache/ entries (by age)
  size_t work_removed = 0, temps_removed = 0;
};

// Must run under StoreLease::Mode::kExclusive. Marks, from the root records of builds newer
// than keep_seconds: their node records and (through each record's "inputs") those of their
// subgraphs, the layer blobs those records name, the config and manifest blobs of the roots,
// the extracted directories of those layers and the artifact directories of those records, and
// the "sources" blobs those records name (a debian base's .debs and index), and the blobs of
// roots that name blobs alone (the debian indexes a recent `strata lock` read).
// Removes every other node record, blob, layers/ and artifacts/ entry, old root records,
// work dirs of dead builds and stale tmp files, and parse-cache/ and package-cache/ entries
// written longer than keep_seconds ago (a removed entry only costs one more parse or package
// evaluation). Keeps cache/ (RUN cache mounts),
// locks/ and the local-source hash cache.
llvm::Expected<GcReport> CollectGarbage(const store::Store& store, const GcOptions& options);

}  // namespace strata::schedule
