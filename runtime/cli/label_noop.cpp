// The built-image index of label builds and the warm no-op it allows.
#include "runtime/cli/label_noop.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <xxhash.h>

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "compiler/support/atomic_file.h"
#include "compiler/support/file_read.h"
#include "compiler/support/unique_fd.h"
#include "runtime/cli/options.h"
#include "runtime/cli/workspace_targets.h"
#include "runtime/oci/compressor.h"
#include "runtime/schedule/store_lease.h"
#include "runtime/store/names.h"
#include "runtime/store/store.h"

namespace strata::cli {
namespace {

// The entry for a key under the options that change an image made of the same graph (the
// layer compression, its encoder and SOURCE_DATE_EPOCH, as RecordKeys and WriteImage use them).
std::string EntryPath(const BuildFlags& flags, const std::string& node_key) {
  std::string text = "strata-built-v1\n" + node_key + "\n" +
                     (flags.compression == oci::Compression::kZstd ? "zstd" : "gzip") + "\n" +
                     std::to_string(flags.source_date_epoch);
  // An entry made with another encoder names other layer blobs than a build gives now.
  if (const char* encoder = oci::EncoderIdentity(flags.compression); *encoder != '\0')
    text += std::string("\nencoder=") + encoder;
  XXH128_hash_t hash = XXH3_128bits(text.data(), text.size());
  char name[40];
  snprintf(name, sizeof name, "built-%016llx%016llx", static_cast<unsigned long long>(hash.high64),
           static_cast<unsigned long long>(hash.low64));
  return flags.store_dir + "/package-cache/" + name;
}

struct Remembered {
  std::string label, node_key, record_key, manifest, config;
  std::vector<std::string> layers;
};

// An entry's text: "strata-built-v2", the node key, the record key, the manifest, the config,
// the number of layers and each layer digest of the manifest, one a line (the layers listed so that
// a no-op reads no manifest: 10,800 JSON parses fewer). A v1 entry (a JSON object without the
// layers) is still read, through its manifest.
constexpr std::string_view kEntryV2 = "strata-built-v2";

std::optional<Remembered> ParseEntry(const std::string& text, const store::Store& store) {
  Remembered out;
  if (text.compare(0, kEntryV2.size() + 1, std::string(kEntryV2) + "\n") == 0) {
    std::vector<std::string> lines;
    size_t start = kEntryV2.size() + 1;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) return std::nullopt;  // torn: every line ends in a newline
      lines.emplace_back(text, start, end - start);
      start = end + 1;
    }
    // The layer count too: an entry cut at a line's end still has every line it kept whole.
    if (lines.size() < 5 || lines[4] != std::to_string(lines.size() - 5)) return std::nullopt;
    out.node_key = lines[0];
    out.record_key = lines[1];
    out.manifest = lines[2];
    out.config = lines[3];
    out.layers.assign(lines.begin() + 5, lines.end());
    return out;
  }
  nlohmann::json entry = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  try {
    out.node_key = entry.at("node").get<std::string>();
    out.record_key = entry.at("record").get<std::string>();
    out.manifest = entry.at("manifest").get<std::string>();
    out.config = entry.at("config").get<std::string>();
    llvm::Expected<std::string> manifest = support::ReadFile(store.BlobPath(out.manifest));
    if (!manifest) {
      llvm::consumeError(manifest.takeError());
      return std::nullopt;
    }
    nlohmann::json parsed = nlohmann::json::parse(*manifest, nullptr, false);
    for (const auto& layer : parsed.at("layers"))
      out.layers.push_back(layer.at("digest").get<std::string>());
    return out;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

// Whether blobs and node records are in the store, by fstatat in their directories (one path
// step, not seven, per name).
class StoreProbe {
 public:
  explicit StoreProbe(const store::Store& store)
      : blobs_(
            ::open((store.Root() + "/blobs/sha256").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)),
        nodes_(::open((store.Root() + "/nodes").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {}
  bool Blob(const std::string& digest) {
    return store::IsValidDigest(digest) && Regular(blobs_.Get(), digest.substr(7));
  }
  bool Node(const std::string& record_key) {
    return store::IsValidKey(record_key) && Regular(nodes_.Get(), record_key + ".json");
  }

 private:
  static bool Regular(int dir, const std::string& name) {
    struct stat st;
    return dir >= 0 && ::fstatat(dir, name.c_str(), &st, 0) == 0 && S_ISREG(st.st_mode);
  }
  support::UniqueFd blobs_, nodes_;
};

// The remembered image of `node_key` when it and every blob its manifest names are in the
// store.
std::optional<Remembered> Recall(const store::Store& store, StoreProbe& probe, int dir,
                                 const std::string& name, const std::string& node_key) {
  // Open and one read (an entry is ~300 bytes): ReadFile's fstat and read to EOF would be
  // 21,600 system calls more for 10,800 targets.
  support::UniqueFd fd(::openat(dir, name.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  std::string text(4096, '\0');
  size_t size = 0;
  for (;;) {
    ssize_t n = ::read(fd.Get(), text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    size += static_cast<size_t>(n);
    if (n == 0 || size < text.size()) break;  // a regular file's short read is its end
    text.resize(text.size() * 2);
  }
  text.resize(size);
  std::optional<Remembered> out = ParseEntry(text, store);
  // The node record too: the root written below names it, and gc keeps the layers through it.
  if (!out || out->node_key != node_key || !probe.Blob(out->manifest) || !probe.Blob(out->config) ||
      !probe.Node(out->record_key))
    return std::nullopt;
  for (const std::string& layer : out->layers)
    if (!probe.Blob(layer)) return std::nullopt;
  return out;
}

}  // namespace

void RememberBuiltImage(const BuildFlags& flags, const std::string& node_key,
                        const std::string& record_key, const std::string& manifest_digest,
                        const std::string& config_digest) {
  std::string dir = flags.store_dir + "/package-cache";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return;
  // The manifest's layers, listed in the entry (the manifest was just written).
  std::string text = std::string(kEntryV2) + "\n" + node_key + "\n" + record_key + "\n" +
                     manifest_digest + "\n" + config_digest + "\n";
  if (!store::IsValidDigest(manifest_digest)) return;
  llvm::Expected<std::string> manifest = support::ReadFile(flags.store_dir + "/blobs/sha256/" +
                                                           store::DigestHex(manifest_digest).str());
  if (!manifest) {
    llvm::consumeError(manifest.takeError());
    return;
  }
  nlohmann::json parsed = nlohmann::json::parse(*manifest, nullptr, false);
  try {
    const nlohmann::json& layers = parsed.at("layers");
    text += std::to_string(layers.size()) + "\n";
    for (const auto& layer : layers) text += layer.at("digest").get<std::string>() + "\n";
  } catch (const nlohmann::json::exception&) {
    return;
  }
  support::AtomicWriteOptions options;
  options.durable = false;  // a torn entry lacks its last newline: the next build runs in full
  llvm::consumeError(support::WriteFileAtomic(EntryPath(flags, node_key), text, options));
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
  StoreProbe probe(*store);
  support::UniqueFd dir(
      ::open((flags.store_dir + "/package-cache").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return std::nullopt;
  for (const driver::WorkspaceTarget* target : selection->targets) {
    std::string path = EntryPath(flags, target->key);
    std::optional<Remembered> image =
        Recall(*store, probe, dir.Get(), path.substr(path.rfind('/') + 1), target->key);
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
