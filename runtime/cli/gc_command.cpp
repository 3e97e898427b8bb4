// `strata gc [--store DIR] [--keep-days N]`: remove what no recent build uses from the store.
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "compiler/graph/local_hash_cache.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"
#include "runtime/schedule/gc.h"
#include "runtime/schedule/progress.h"
#include "runtime/schedule/store_lease.h"
#include "runtime/schedule/work_dir.h"

namespace strata::cli {
namespace {

std::string Line(const char* what, const schedule::GcCount& kept,
                 const schedule::GcCount& removed) {
  return std::string(what) + ": removed " + std::to_string(removed.items) + " (" +
         schedule::HumanSize(static_cast<int64_t>(removed.bytes)) + "), kept " +
         std::to_string(kept.items) + " (" + schedule::HumanSize(static_cast<int64_t>(kept.bytes)) +
         ")";
}

}  // namespace

int GcCommand(const std::vector<std::string>& args) {
  const std::string usage = "strata gc [--store DIR] [--keep-days N]";
  po::options_description options("strata gc");
  options.add_options()("store", po::value<std::string>()->value_name("DIR"), "the store")(
      "keep-days", po::value<std::string>()->default_value("7")->value_name("N"),
      "keep what builds of the last N days use");
  ParsedCommand parsed = ParseCommand(usage, options, args, 0);
  std::string keep_text = parsed.values["keep-days"].as<std::string>();
  char* end = nullptr;
  double keep_days = std::strtod(keep_text.c_str(), &end);
  if (keep_text.empty() || *end != '\0' || keep_days < 0)
    throw UsageError{"--keep-days " + keep_text + ": expected a non-negative number of days"};

  llvm::Expected<store::Store> store = store::Store::Open(StoreDir(parsed.values));
  if (!store) {
    std::cerr << "strata: error: " << llvm::toString(store.takeError()) << "\n";
    return kExitProgramError;
  }
  // gc removes files: say so at once when it cannot, rather than what the first removal hit.
  struct statvfs fs;
  if (::statvfs(store->Root().c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY)) {
    std::cerr << "strata: error: the store " << store->Root()
              << " is on a read-only filesystem; gc cannot remove anything\n";
    return kExitProgramError;
  }
  if (::access(store->Root().c_str(), W_OK) != 0) {
    std::cerr << "strata: error: cannot write in the store " << store->Root() << ": "
              << std::strerror(errno) << "\n";
    return kExitProgramError;
  }
  // Dead builds' containers and mounts go first, even while live builds make gc wait.
  llvm::consumeError(schedule::CleanStaleWorkDirs(*store).takeError());
  llvm::Expected<schedule::StoreLease> lease = schedule::StoreLease::Acquire(
      *store, schedule::StoreLease::Mode::kExclusive,
      [] { std::cerr << "strata: waiting for running builds to finish with the store\n"; });
  if (!lease) {
    std::cerr << "strata: error: " << llvm::toString(lease.takeError()) << "\n";
    return kExitProgramError;
  }
  schedule::GcOptions gc_options;
  gc_options.keep_seconds = static_cast<int64_t>(keep_days * 86400);
  llvm::Expected<schedule::GcReport> report = schedule::CollectGarbage(*store, gc_options);
  if (!report) {
    std::cerr << "strata: error: " << llvm::toString(report.takeError()) << "\n";
    return kExitProgramError;
  }
  // The local-source hash cache: entries of files gone or changed never hit again.
  std::pair<size_t, size_t> hashes = graph::TrimLocalHashCache(store->Root() + "/local-hash-cache");
  std::cout << "store " << store->Root() << "\n"
            << "builds: removed " << report->roots_removed << ", kept " << report->roots_kept
            << "\n"
            << Line("node records", report->records_kept, report->records_removed) << "\n"
            << Line("blobs", report->blobs_kept, report->blobs_removed) << "\n"
            << Line("extracted layers", report->layers_kept, report->layers_removed) << "\n"
            << Line("artifacts", report->artifacts_kept, report->artifacts_removed) << "\n"
            << Line("parse cache", report->parse_cache_kept, report->parse_cache_removed) << "\n"
            << Line("package cache", report->package_cache_kept, report->package_cache_removed)
            << "\n"
            << Line("evaluation cache", report->graph_cache_kept, report->graph_cache_removed)
            << "\n"
            << "local hash cache: removed " << hashes.second << " entries, kept " << hashes.first
            << "\n"
            << "stale work dirs removed: " << report->work_removed
            << ", stale temp files removed: " << report->temps_removed << "\n";
  return kExitOk;
}

}  // namespace strata::cli
