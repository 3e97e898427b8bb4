// The per-package cache of a workspace: entries named by the package's quick inputs, checked
// against the rest of its inputs on every lookup.
#include "compiler/driver/package_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "compiler/driver/package_cache_entry.h"
#include "compiler/driver/workspace.h"
#include "compiler/graph/ops.h"
#include "compiler/support/atomic_file.h"
#include "compiler/support/binary_stamp.h"
#include "compiler/support/file_read.h"

namespace strata::driver {
namespace {

// Bump when an entry's meaning changes.
constexpr std::string_view kFormat = "strata-package-cache-v3";
// The suffix of the entry a newer one replaced.
constexpr std::string_view kPrevious = ".prev";

// The binary (support::BinaryStamp): a rebuilt strata may evaluate differently (stdlib,
// builtins, key encoding), so its entries are not reused; "unknown" when it cannot be read.
std::string BinaryStamp() {
  const std::string& stamp = support::BinaryStamp();
  return stamp.empty() ? std::string("unknown") : stamp;
}

}  // namespace

PackageCache::PackageCache(std::string dir, std::string root, graph::LocalSourceHasher& hasher)
    : dir_(std::move(dir)), root_(std::move(root)), hasher_(hasher) {}

std::string PackageCache::ContentHash(std::string_view bytes) {
  return graph::ContentHashHex(bytes);
}

std::optional<std::string> PackageCache::InputHash(const std::string& path) {
  return inputs_ ? inputs_->FileHash(path) : FileHash(path);
}

std::optional<std::string> PackageCache::FileHash(const std::string& path) {
  auto it = file_hashes_.find(path);
  if (it != file_hashes_.end()) return it->second;
  // Through the hasher's stat cache: an unchanged module costs a stat, not a read.
  return file_hashes_[path] = hasher_.FileContentHash(path);
}

std::string PackageCache::Relative(const std::string& path) const {
  if (path.size() > root_.size() + 1 && path.compare(0, root_.size(), root_) == 0 &&
      path[root_.size()] == '/')
    return path.substr(root_.size() + 1);
  return path;  // absolute: outside the workspace
}

std::string PackageCache::Absolute(const std::string& path) const {
  return !path.empty() && path[0] == '/' ? path : root_ + "/" + path;
}

std::optional<std::string> PackageCache::SlotName(const std::string& package) {
  std::optional<std::string> file = InputHash(PackageFile(root_, package));
  if (!file) return std::nullopt;
  // A missing strata.lock pins nothing; its absence is an input as well.
  std::optional<std::string> lock = InputHash(root_ + "/strata.lock");
  // strata.workspace may name a vendored stdlib (whose files are recorded like any module).
  std::optional<std::string> settings = InputHash(root_ + "/strata.workspace");
  std::string quick = std::string(kFormat) + '\0' + BinaryStamp() + '\0' + package + '\0' + *file +
                      '\0' + lock.value_or("none") + '\0' + settings.value_or("none");
  return graph::ContentHashHex(quick);
}

std::optional<CachedPackage> PackageCache::Lookup(const std::string& package) {
  if (!enabled()) return std::nullopt;
  ++stats_.misses;
  std::optional<std::string> slot = SlotName(package);
  if (!slot) return std::nullopt;
  // The newest entry, then the one it replaced: a package whose local sources differ between
  // a revision and the working tree (`strata affected`) keeps an entry for each.
  for (const std::string& name : {*slot, *slot + std::string(kPrevious)})
    if (std::optional<CachedPackage> cached = Read(dir_ + "/" + name, package)) {
      --stats_.misses;
      ++stats_.hits;
      return cached;
    }
  return std::nullopt;
}

std::optional<CachedPackage> PackageCache::Read(const std::string& path,
                                                const std::string& package) {
  llvm::Expected<std::string> text = support::ReadFile(path);
  if (!text) {
    llvm::consumeError(text.takeError());
    return std::nullopt;
  }
  // A foreign, older or damaged entry decodes to nothing: the package is evaluated and its
  // entry rewritten.
  std::optional<PackageCacheEntry> entry = PackageCacheEntry::Decode(*text);
  if (!entry || entry->package != package) return std::nullopt;
  for (const PackageCacheEntry::File& file : entry->files) {
    // No hash: the file was absent (a .dockerignore that may appear), and must still be.
    if (InputHash(Absolute(file.path)) != file.hash) return std::nullopt;
  }
  for (const PackageCacheEntry::Local& local : entry->locals) {
    std::string local_path = Absolute(local.path);
    if (inputs_) {
      if (!inputs_->LocalMatches(local_path, local.exclude, local.exclude_base, local.keep_modes,
                                 local.digest))
        return std::nullopt;
      continue;
    }
    graph::LocalSourceHasher::Result hash =
        hasher_.Hash(local_path, local.exclude, local.exclude_base, local.keep_modes);
    if (!hash.error.empty() || hash.digest != local.digest) return std::nullopt;
  }
  CachedPackage cached;
  cached.targets = std::move(entry->targets);
  cached.imports = std::move(entry->imports);
  cached.stages = std::move(entry->stages);
  return cached;
}

void PackageCache::Store(const std::string& package,
                         const std::map<std::string, std::string>& module_files,
                         const std::vector<std::pair<std::string, const graph::Node*>>& stages,
                         const std::vector<std::string>& imports, const graph::Graph& graph,
                         const ExtraFiles& extra_files) {
  if (!enabled()) return;
  inputs_of_.erase(package);
  std::optional<std::string> slot = SlotName(package);
  if (!slot) return;
  PackageCacheEntry entry;
  entry.package = package;
  entry.imports = imports;
  std::vector<const graph::Node*> roots;
  for (const auto& [name, node] : stages) {
    roots.push_back(node);
    entry.targets.emplace_back(name, node->key().Hex());
  }
  entry.stages = StageGraphOf(roots);
  std::set<std::string> paths;
  for (const auto& [path, parsed] : module_files) paths.insert(path);
  std::set<std::string> optional_paths;  // may be absent (a .dockerignore)
  for (const graph::Node* node : graph::ReachableNodes(roots)) {
    if (const std::vector<std::string>* extra = extra_files(node))
      for (const std::string& path : *extra) {
        if (path.empty()) return;  // an input the cache cannot check
        optional_paths.insert(path);
      }
    if (node->op() != graph::Op::kLocal) continue;
    // A node built on this source is hash-consed by key, so it may hold another folder's
    // source of the same content: every folder that made one is an input.
    for (const graph::Node* local : graph.WithUnkeyedParams(node->key())) {
      const nlohmann::json* path = local->Find("path");
      const nlohmann::json* digest = local->Find("digest");
      if (!path || !digest) return;
      const nlohmann::json* exclude = local->Find("exclude");
      const nlohmann::json* base = local->Find("exclude_base");
      const nlohmann::json* modes = local->Find("modes");
      PackageCacheEntry::Local item;
      item.path = Relative(path->get<std::string>());
      if (exclude) item.exclude = exclude->get<std::vector<std::string>>();
      item.exclude_base = base ? base->get<std::string>() : "";
      item.keep_modes = modes && *modes == "keep";
      item.digest = digest->get<std::string>();
      auto same = [&item](const PackageCacheEntry::Local& other) {
        return other.path == item.path && other.exclude == item.exclude &&
               other.exclude_base == item.exclude_base && other.keep_modes == item.keep_modes &&
               other.digest == item.digest;
      };
      if (std::find_if(entry.locals.begin(), entry.locals.end(), same) == entry.locals.end())
        entry.locals.push_back(std::move(item));
    }
  }
  for (const std::string& path : paths) {
    // The file as the lookup saw it, or now: it must hold the text the evaluation parsed (an
    // edit during the evaluation would otherwise be recorded with the old text's keys).
    std::optional<std::string> hash = FileHash(path);
    if (!hash || *hash != module_files.at(path)) return;
    entry.files.push_back({Relative(path), *hash});
  }
  for (const std::string& path : optional_paths) {
    if (paths.count(path)) continue;
    entry.files.push_back({Relative(path), FileHash(path)});
  }
  std::vector<std::string>& recorded = inputs_of_[package];
  recorded.assign(paths.begin(), paths.end());
  recorded.insert(recorded.end(), optional_paths.begin(), optional_paths.end());
  for (const PackageCacheEntry::Local& local : entry.locals)
    recorded.push_back(Absolute(local.path));
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) return;
  std::string path = dir_ + "/" + *slot;
  // The entry this one replaces becomes the previous one (a rename: readers see either).
  ::rename(path.c_str(), (path + std::string(kPrevious)).c_str());
  support::AtomicWriteOptions options;
  options.durable = false;  // a torn entry fails its checksum and is rewritten
  if (llvm::Error error = support::WriteFileAtomic(path, entry.Encode(), options)) {
    llvm::consumeError(std::move(error));
    return;
  }
  ++stats_.stored;
}

}  // namespace strata::driver
