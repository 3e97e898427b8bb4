// The built-image index of label builds and the warm no-op it allows.
#include "runtime/cli/label_noop.h"

#include <sys/stat.h>
#include <xxhash.h>

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "compiler/support/atomic_file.h"
#include "compiler/support/file_read.h"
#include "runtime/cli/options.h"
#include "runtime/cli/workspace_targets.h"
#include "runtime/schedule/store_lease.h"
#include "runtime/store/store.h"

namespace strata::cli {
namespace {

// The entry for a key under the options that change an image made of the same graph (the
// layer compression and SOURCE_DATE_EPOCH, as RecordKeys and WriteImage use them).
std::string EntryPath(const BuildFlags& flags, const std::string& node_key) {
  std::string text = "strata-built-v1\n" + node_key + "\n" +
                     (flags.compression == oci::Compression::kZstd ? "zstd" : "gzip") + "\n" +
                     std::to_string(flags.source_date_epoch);
  XXH128_hash_t hash = XXH3_128bits(text.data(), text.size());
  char name[40];
  snprintf(name, sizeof name, "built-%016llx%016llx", static_cast<unsigned long long>(hash.high64),
           static_cast<unsigned long long>(hash.low64));
  return flags.store_dir + "/package-cache/" + name;
}

struct Remembered {
  std::string label, node_key, record_key, manifest, config;
};

// The remembered image of `node_key` when it and every blob its manifest names are in the
// store.
std::optional<Remembered> Recall(const store::Store& store, const BuildFlags& flags,
                                 const std::string& node_key) {
  llvm::Expected<std::string> text = support::ReadFile(EntryPath(flags, node_key));
  if (!text) {
    llvm::consumeError(text.takeError());
    return std::nullopt;
  }
  nlohmann::json entry = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  try {
    Remembered out{"", node_key, entry.at("record").get<std::string>(),
                   entry.at("manifest").get<std::string>(), entry.at("config").get<std::string>()};
    // The node record too: the root written below names it, and gc keeps the layers through it.
    struct stat st;
    if (entry.at("node").get<std::string>() != node_key || !store.HasBlob(out.manifest) ||
        !store.HasBlob(out.config) ||
        ::stat((store.Root() + "/nodes/" + out.record_key + ".json").c_str(), &st) != 0)
      return std::nullopt;
    llvm::Expected<std::string> manifest = support::ReadFile(store.BlobPath(out.manifest));
    if (!manifest) {
      llvm::consumeError(manifest.takeError());
      return std::nullopt;
    }
    nlohmann::json parsed = nlohmann::json::parse(*manifest, nullptr, false);
    for (const auto& layer : parsed.at("layers"))
      if (!store.HasBlob(layer.at("digest").get<std::string>())) return std::nullopt;
    return out;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

void RememberBuiltImage(const BuildFlags& flags, const std::string& node_key,
                        const std::string& record_key, const std::string& manifest_digest,
                        const std::string& config_digest) {
  std::string dir = flags.store_dir + "/package-cache";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return;
  nlohmann::json entry = {{"node", node_key},
                          {"record", record_key},
                          {"manifest", manifest_digest},
                          {"config", config_digest}};
  support::AtomicWriteOptions options;
  options.durable = false;  // a torn entry fails to parse: the next build runs in full
  llvm::consumeError(support::WriteFileAtomic(EntryPath(flags, node_key), entry.dump(), options));
}

std::optional<int> TryWarmNoOp(const BuildFlags& flags) {
  // Options that ask for more than the digests, or for a different evaluation or execution.
  if (flags.labels.empty() || !flags.digests_only || flags.no_cache || flags.locked ||
      !flags.cache_from.empty())
    return std::nullopt;
  struct stat st;
  if (::stat((flags.store_dir + "/package-cache").c_str(), &st) != 0) return std::nullopt;
  // Errors, if any, are left for the full build to report.
  driver::Frontend frontend(WorkspaceFrontendOptions(flags.store_dir));
  std::optional<WorkspaceSelection> selection =
      SelectWorkspaceTargets(frontend, ParsePatterns(flags.labels), &flags.store_dir);
  if (!selection || frontend.has_errors() || selection->targets.empty()) return std::nullopt;
  llvm::Expected<store::Store> store = store::Store::Open(flags.store_dir);
  if (!store) {
    llvm::consumeError(store.takeError());
    return std::nullopt;
  }
  // As a build: gc waits until the roots below are written.
  llvm::Expected<schedule::StoreLease> lease = schedule::StoreLease::Acquire(
      *store, schedule::StoreLease::Mode::kShared,
      [] { std::cerr << "strata: waiting for `strata gc` to finish with the store\n"; });
  if (!lease) {
    llvm::consumeError(lease.takeError());
    return std::nullopt;
  }
  std::vector<Remembered> images;
  for (const driver::WorkspaceTarget* target : selection->targets) {
    std::optional<Remembered> image = Recall(*store, flags, target->key);
    if (!image) return std::nullopt;
    image->label = target->Label();
    images.push_back(std::move(*image));
  }
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<schedule::RootRecord> roots;
  for (const Remembered& image : images) {
    schedule::RootRecord& record = roots.emplace_back();
    record.key = image.record_key;
    record.node = image.node_key;
    record.time = now;
    record.blobs = {image.manifest, image.config};
  }
  if (llvm::Error err = schedule::WriteRoots(*store, roots)) {
    std::cerr << "strata: error: " << llvm::toString(std::move(err)) << "\n";
    return kExitProgramError;
  }
  for (const Remembered& image : images) std::cout << image.manifest << " " << image.label << "\n";
  std::cerr << "strata: " << images.size()
            << " target(s) up to date (package cache and built-image index)\n";
  return kExitOk;
}

}  // namespace strata::cli
