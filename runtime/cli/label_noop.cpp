// The built-image index of label builds and the warm no-op it allows.
#include "runtime/cli/label_noop.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "compiler/graph/local_source.h"
#include "compiler/support/atomic_file.h"
#include "compiler/support/file_read.h"
#include "compiler/support/unique_fd.h"
#include "runtime/cli/options.h"
#include "runtime/cli/workspace_targets.h"
#include "runtime/oci/compressor.h"
#include "runtime/oci/layer_writer.h"
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
  // The lines the other keys carry: the encoder (an entry made with another one names other
  // layer blobs than a build gives now) and what layers keep of a file (an image whose layers
  // kept less). This text's last line has no final newline.
  text += "\n" + oci::EncoderKeyLine(flags.compression) + oci::LayerEntriesKeyLine();
  text.pop_back();
  return flags.store_dir + "/package-cache/built-" + graph::ContentHashHex(text);
}

struct Remembered {
  std::string label, node_key, record_key, manifest, config;
  std::vector<std::string> layers;
  std::vector<std::string> memos;  // the compressed-layer memo keys the image's layers came from
};

// An entry's text, one item a line: "strata-built-v3", the node key, the record key, the
// manifest, the config, the number of layers and each layer digest of the manifest (so that a
// no-op reads no manifest: 10,800 JSON parses fewer), then the number of compressed-layer memo
// keys (schedule::CompressDeferredLayers) and each key, which the no-op's root names as the
// build's did, so that gc keeps the compressed layers. Older entries (a v2 text, a v1 JSON
// object) do not list the memos: they are not used, and the full build rewrites them.
constexpr std::string_view kEntryV3 = "strata-built-v3";

// `count` lines from `lines[at]` on, announced by the count at lines[at - 1]; false when the
// entry holds fewer.
bool TakeCounted(const std::vector<std::string>& lines, size_t& at, std::vector<std::string>& out) {
  if (at == 0 || at > lines.size()) return false;
  const std::string& count_text = lines[at - 1];
  if (count_text.empty() || count_text.size() > 6 ||
      count_text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  size_t count = std::stoul(count_text);
  if (lines.size() - at < count) return false;
  out.assign(lines.begin() + static_cast<std::ptrdiff_t>(at),
             lines.begin() + static_cast<std::ptrdiff_t>(at + count));
  at += count;
  return true;
}

std::optional<Remembered> ParseEntry(const std::string& text) {
  Remembered out;
  if (text.compare(0, kEntryV3.size() + 1, std::string(kEntryV3) + "\n") != 0) return std::nullopt;
  std::vector<std::string> lines;
  size_t start = kEntryV3.size() + 1;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) return std::nullopt;  // torn: every line ends in a newline
    lines.emplace_back(text, start, end - start);
    start = end + 1;
  }
  // Both counts too: an entry cut at a line's end still has every line it kept whole.
  size_t at = 5;
  if (lines.size() < 6 || !TakeCounted(lines, at, out.layers)) return std::nullopt;
  ++at;  // past the memo count
  if (!TakeCounted(lines, at, out.memos) || at != lines.size()) return std::nullopt;
  out.node_key = lines[0];
  out.record_key = lines[1];
  out.manifest = lines[2];
  out.config = lines[3];
  return out;
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
std::optional<Remembered> Recall(StoreProbe& probe, int dir, const std::string& name,
                                 const std::string& node_key) {
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
  std::optional<Remembered> out = ParseEntry(text);
  // The node record too: the root written below names it, and gc keeps the layers through it;
  // and each memo record, which keeps a compressed layer that the node record does not name.
  if (!out || out->node_key != node_key || !probe.Blob(out->manifest) || !probe.Blob(out->config) ||
      !probe.Node(out->record_key))
    return std::nullopt;
  for (const std::string& layer : out->layers)
    if (!probe.Blob(layer)) return std::nullopt;
  for (const std::string& memo : out->memos)
    if (!probe.Node(memo)) return std::nullopt;
  return out;
}

}  // namespace

void RememberBuiltImage(const BuildFlags& flags, const std::string& node_key,
                        const std::string& record_key, const std::string& manifest_digest,
                        const std::string& config_digest, const std::vector<std::string>& memos) {
  std::string dir = flags.store_dir + "/package-cache";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return;
  // The manifest's layers, listed in the entry (the manifest was just written).
  std::string text = std::string(kEntryV3) + "\n" + node_key + "\n" + record_key + "\n" +
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
  text += std::to_string(memos.size()) + "\n";
  for (const std::string& memo : memos) text += memo + "\n";
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
        Recall(probe, dir.Get(), path.substr(path.rfind('/') + 1), target->key);
    if (!image) return std::nullopt;
    image->label = target->Label();
    images.push_back(std::move(*image));
  }
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<schedule::RootRecord> roots;
  std::vector<std::string> memos;
  for (const Remembered& image : images) {
    schedule::RootRecord& record = roots.emplace_back();
    record.key = image.record_key;
    record.node = image.node_key;
    record.time = now;
    record.blobs = {image.manifest, image.config};
    memos.insert(memos.end(), image.memos.begin(), image.memos.end());
  }
  // The same roots as the build that made these images (BuildRoots), so that its file is
  // renewed rather than another one written.
  schedule::AppendMemoRoots(roots, std::move(memos));
  if (llvm::Error err = schedule::WriteRoots(*store, roots)) {
    std::cerr << "strata: error: " << llvm::toString(std::move(err)) << "\n";
    return kExitProgramError;
  }
  for (const Remembered& image : images) std::cout << image.config << " " << image.label << "\n";
  std::cerr << "strata: " << images.size()
            << " target(s) up to date (package cache and built-image index)\n";
  return kExitOk;
}

}  // namespace strata::cli
