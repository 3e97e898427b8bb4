// `strata store verify [--store DIR] [--repair]`: hash every blob and read every node record,
// report what is damaged, and with --repair remove it so the next build rebuilds or refetches.
#include <dirent.h>
#include <sys/stat.h>

#include <cstring>
#include <iostream>
#include <set>

#include "compiler/support/dir_names.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"
#include "runtime/schedule/node_output.h"
#include "runtime/schedule/progress.h"
#include "runtime/schedule/store_lease.h"
#include "runtime/store/names.h"

namespace strata::cli {
namespace {

struct VerifyReport {
  size_t blobs = 0, records = 0, damaged = 0, repaired = 0;
  size_t memos = 0;  // records that memoize a deferred layer's compressed form
  int64_t bytes = 0;
};

int Verify(const store::Store& store, bool repair) {
  VerifyReport report;
  auto problem = [&](const std::string& what, const std::string& path, bool removed) {
    ++report.damaged;
    if (removed) ++report.repaired;
    std::cout << what << (removed ? ": removed " : ": ") << path << "\n";
  };
  const std::string blob_dir = store.Root() + "/blobs/sha256";
  for (const std::string& name : support::SortedDirNamesOrNone(blob_dir)) {
    std::string path = blob_dir + "/" + name;
    std::string digest = "sha256:" + name;
    struct stat st;
    if (!store::IsValidDigest(digest) || ::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      problem("stray file (not a blob name)", path, repair && ::unlink(path.c_str()) == 0);
      continue;
    }
    ++report.blobs;
    report.bytes += st.st_size;
    llvm::Expected<std::string> actual = store.HashBlob(digest);
    if (!actual) {
      problem("unreadable blob (" + llvm::toString(actual.takeError()) + ")", path, false);
      continue;
    }
    if (*actual == digest) continue;
    problem("corrupt blob " + digest + " (its bytes hash to " + *actual + ")", path,
            repair && ::unlink(path.c_str()) == 0);
  }
  const std::string node_dir = store.Root() + "/nodes";
  for (const std::string& name : support::SortedDirNamesOrNone(node_dir)) {
    std::string path = node_dir + "/" + name;
    std::string key = name.size() > 5 ? name.substr(0, name.size() - 5) : name;
    ++report.records;
    llvm::Expected<std::optional<nlohmann::json>> record = store.GetNodeRecord(key);
    std::string why;
    if (!record)
      why = llvm::toString(record.takeError());
    else if (*record) {
      llvm::Expected<schedule::NodeOutput> output = schedule::FromRecord(store, **record);
      if (!output)
        why = llvm::toString(output.takeError());
      else if ((**record).value("op", "") == "compress")
        ++report.memos;
    }
    // A record whose blobs are gone is not damage: the next build sees it incomplete and
    // rebuilds the node.
    if (!why.empty())
      problem("bad node record (" + why + ")", path, repair && ::unlink(path.c_str()) == 0);
  }
  std::cout << "checked " << report.blobs << " blobs (" << schedule::HumanSize(report.bytes)
            << ") and " << report.records << " node records";
  if (report.memos > 0)
    std::cout << " (" << report.memos << " of them compressed forms of deferred layers)";
  std::cout << ": " << report.damaged << " damaged";
  if (repair) std::cout << ", " << report.repaired << " removed";
  std::cout << "\n";
  if (report.damaged == report.repaired) return kExitOk;
  if (!repair)
    std::cerr
        << "strata: the store is damaged; `strata store verify --repair` removes what is damaged\n";
  return kExitProgramError;
}

}  // namespace

int StoreCommand(const std::vector<std::string>& args) {
  const std::string usage = "strata store verify [--store DIR] [--repair]";
  po::options_description options("strata store");
  options.add_options()("store", po::value<std::string>()->value_name("DIR"), "the store")(
      "repair", po::bool_switch(),
      "remove corrupt blobs and bad records (the next build rebuilds them)");
  ParsedCommand parsed = ParseCommand(usage, options, args, 1);
  if (parsed.positional.empty() || parsed.positional[0] != "verify")
    throw UsageError{"usage: " + usage};
  bool repair = parsed.values["repair"].as<bool>();

  llvm::Expected<store::Store> store = store::Store::Open(StoreDir(parsed.values));
  if (!store) {
    std::cerr << "strata: error: " << llvm::toString(store.takeError()) << "\n";
    return kExitProgramError;
  }
  // Repairing removes files a running build may be about to use: wait for builds to finish.
  llvm::Expected<schedule::StoreLease> lease = schedule::StoreLease::Acquire(
      *store, repair ? schedule::StoreLease::Mode::kExclusive : schedule::StoreLease::Mode::kShared,
      [] { std::cerr << "strata: waiting for other strata commands to finish with the store\n"; });
  if (!lease) {
    std::cerr << "strata: error: " << llvm::toString(lease.takeError()) << "\n";
    return kExitProgramError;
  }
  return Verify(*store, repair);
}

}  // namespace strata::cli
