// Fetching node outputs from, and pushing them to, a registry used as a remote cache.
#include "runtime/schedule/registry_cache.h"

#include <ctime>

#include "compiler/graph/ops.h"
#include "runtime/oci/layer_stream.h"
#include "runtime/oci/registry_manifest.h"
#include "runtime/schedule/cache_manifest.h"
#include "runtime/schedule/deferred_layers.h"
#include "runtime/schedule/executor.h"
#include "runtime/schedule/node_output.h"
#include "runtime/schedule/record_key.h"
#include "runtime/schedule/shared_nodes.h"
#include "runtime/store/sha256.h"

namespace strata::schedule {
namespace {

// A record is a few KB (an image config and history); a larger one is not ours.
constexpr size_t kMaxRecordBytes = 16 << 20;
constexpr size_t kMaxManifestBytes = 4 << 20;

llvm::Error Failed(const std::string& message) {
  return llvm::createStringError(std::make_error_code(std::errc::illegal_byte_sequence), message);
}

// GETs `path` into memory, at most `limit` bytes. std::nullopt for a 404.
llvm::Expected<std::optional<std::string>> GetSmall(oci::RegistryClient& client,
                                                    const std::string& path, bool manifest,
                                                    size_t limit, const std::string& what) {
  oci::HttpRequest request;
  request.url = path;
  if (manifest) request.headers.push_back(oci::kManifestAccept);
  std::string body;
  oci::BodySink sink = [&](const char* data, size_t size) -> llvm::Error {
    if (body.size() + size > limit)
      return Failed(what + " is larger than " + std::to_string(limit) + " bytes");
    body.append(data, size);
    return llvm::Error::success();
  };
  llvm::Expected<oci::HttpResponse> response = client.Send(request, sink);
  if (!response) return response.takeError();
  if (response->status == 404) return std::nullopt;
  if (response->status != 200) return client.StatusError(*response, what);
  return std::optional<std::string>(std::move(body));
}

// A fetched layer's uncompressed content must be what the record's diff_id says. The manifest
// and the record can each be digest-consistent and still pair one build's layer with another
// output's diff_id; taken, the image's config would not describe its layers.
llvm::Error CheckDiffId(const store::Store& store, const oci::LayerDescriptor& layer) {
  std::string path = store.BlobPath(layer.digest);
  std::string what = "layer " + layer.digest;
  llvm::Expected<std::string> media_type = oci::NormalizeLayerMediaType(layer.media_type, what);
  if (!media_type) return media_type.takeError();
  if (llvm::Error err = oci::CheckLayerCompression(path, *media_type, what)) return err;
  llvm::Expected<oci::LayerStream> stream = oci::LayerStream::Open(path);
  if (!stream) return stream.takeError();
  llvm::Expected<std::string> diff_id = stream->Finish();
  if (!diff_id) return diff_id.takeError();
  if (*diff_id != layer.diff_id)
    return Failed(what + " is not the record's diff_id " + layer.diff_id + " (its tar is " +
                  *diff_id + ")");
  return llvm::Error::success();
}

}  // namespace

llvm::Expected<oci::ImageReference> ParseCacheRepository(const std::string& text) {
  llvm::StringRef name(text);
  name.consume_front("docker://");
  size_t slash = name.rfind('/');
  llvm::StringRef last = slash == llvm::StringRef::npos ? name : name.substr(slash + 1);
  if (last.contains(':') || last.contains('@'))
    return llvm::createStringError(
        std::make_error_code(std::errc::invalid_argument),
        "'" + text +
            "': a cache is a repository (docker://HOST/REPO), without a tag "
            "or digest: strata tags each node's entry itself");
  llvm::Expected<oci::ImageReference> ref = oci::ImageReference::Parse(name);
  if (!ref)
    return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                   "'" + text + "': " + llvm::toString(ref.takeError()));
  return ref;
}

RegistryCache::RegistryCache(const store::Store& store,
                             const std::vector<oci::ImageReference>& from, Warn warn)
    : store_(store), warn_(std::move(warn)) {
  for (const oci::ImageReference& ref : from)
    sources_.push_back({std::make_unique<oci::RegistryClient>(ref, /*push=*/false),
                        ref.registry + "/" + ref.repository, false});
}

bool RegistryCache::Fetch(const graph::Node& node, const std::string& record_key) {
  // Never pushed, so never asked for: an entry under such a key could only be forged.
  if (!shared_.Shareable(node)) return false;
  for (Source& source : sources_) {
    if (source.disabled) continue;
    bool refused = false;
    llvm::Expected<bool> hit = FetchFrom(source, record_key, refused);
    if (hit && *hit) {
      ++hits_;
      return true;
    }
    if (hit) continue;  // a miss
    std::string message = llvm::toString(hit.takeError());
    if (refused) {
      warn_("remote cache " + source.name + ": the entry of " +
            std::string(graph::OpName(node.op())) + " node " + node.key().Hex().substr(0, 8) +
            " (" + Describe(node) + ") is refused: " + message + "; building it here");
    } else {
      source.disabled = true;
      warn_("remote cache " + source.name + " is not used for the rest of this build: " + message);
    }
  }
  return false;
}

llvm::Expected<bool> RegistryCache::FetchFrom(Source& source, const std::string& record_key,
                                              bool& refused) {
  std::string tag = CacheTag(record_key);
  if (tag.empty()) return false;
  oci::RegistryClient& client = *source.client;
  llvm::Expected<std::optional<std::string>> manifest_bytes =
      GetSmall(client, "/manifests/" + tag, /*manifest=*/true, kMaxManifestBytes,
               "manifest " + source.name + ":" + tag);
  if (!manifest_bytes) return manifest_bytes.takeError();
  if (!*manifest_bytes) return false;
  // From here on, every failure is this entry's: the registry answers, but not with what it should.
  refused = true;
  llvm::Expected<CacheManifest> manifest = DecodeCacheManifest(**manifest_bytes, record_key);
  if (!manifest) return manifest.takeError();
  llvm::Expected<std::optional<std::string>> record_bytes =
      GetSmall(client, "/blobs/" + manifest->record_digest, /*manifest=*/false, kMaxRecordBytes,
               "record blob " + manifest->record_digest);
  if (!record_bytes) return record_bytes.takeError();
  if (!*record_bytes) return Failed("record blob " + manifest->record_digest + " is missing");
  std::string got = store::Sha256Digest((*record_bytes)->data(), (*record_bytes)->size());
  if (got != manifest->record_digest ||
      static_cast<int64_t>((*record_bytes)->size()) != manifest->record_size)
    return Failed("record blob " + manifest->record_digest + " does not match its digest (got " +
                  got + "): corrupt or tampered");
  llvm::Expected<nlohmann::json> record = DecodeCacheRecord(**record_bytes, *manifest);
  if (!record) return record.takeError();
  llvm::Expected<oci::Image> image = oci::Image::FromJson((*record)["image"]);
  if (!image) return image.takeError();
  // Each blob is hashed as it streams into a temp file and published only when it matches;
  // then its tar is hashed against the record's diff_id.
  for (const oci::LayerDescriptor& layer : image->layers) {
    bool had = store_.HasBlob(layer.digest);
    if (llvm::Error err = client.FetchBlob(store_, layer.digest, static_cast<int64_t>(layer.size)))
      return err;
    if (!had) bytes_fetched_ += layer.size;
    if (llvm::Error err = CheckDiffId(store_, layer)) return err;
  }
  // The record goes last, so that it only ever names blobs already published.
  (*record)["inputs"] = nlohmann::json::array();
  (*record)["created"] = static_cast<int64_t>(std::time(nullptr));
  (*record)["remote"] = source.name;
  if (llvm::Error err = store_.PutNodeRecord(record_key, *record)) {
    refused = false;  // our own store failed: say so, and stop asking
    return err;
  }
  return true;
}

llvm::Expected<CachePushStats> PushCache(const store::Store& store,
                                         const oci::ImageReference& repository,
                                         const graph::Node& target,
                                         const oci::LayerOptions& layer) {
  CachePushStats stats;
  oci::RegistryClient client(repository, /*push=*/true);
  RecordKeys keys(layer);
  SharedNodes shared;
  std::string name = repository.registry + "/" + repository.repository;
  for (const graph::Node* node : graph::ReachableNodes({&target})) {
    if (!graph::IsStage(node)) continue;
    std::string key = keys.Of(*node);
    llvm::Expected<std::optional<nlohmann::json>> record = store.GetNodeRecord(key);
    if (!record) return record.takeError();
    if (!*record) continue;  // not built by this build (a later node was a cache hit)
    llvm::Expected<NodeOutput> output = FromRecord(store, **record);
    if (!output) {
      llvm::consumeError(output.takeError());
      continue;
    }
    if (!output->IsStage() || !RecordIsComplete(store, *output)) continue;
    if (!shared.Shareable(*node)) {
      ++stats.unshareable;
      continue;
    }
    // The cache carries compressed layers only: one output gives one cache manifest whether
    // this store kept a layer deferred (plain tar) or compressed it as it was written.
    if (HasDeferredLayers(output->image)) {
      llvm::Expected<oci::Image> compressed = CompressDeferredLayers(store, output->image, layer);
      if (!compressed) return compressed.takeError();
      output->image = std::move(*compressed);
      (**record)["image"] = output->image.ToJson();
    }
    std::string record_bytes = EncodeCacheRecord(**record);
    std::string record_digest = store::Sha256Digest(record_bytes.data(), record_bytes.size());
    std::string manifest =
        EncodeCacheManifest(key, record_digest, record_bytes.size(), output->image.layers);
    std::string manifest_digest = store::Sha256Digest(manifest.data(), manifest.size());
    std::string tag = CacheTag(key);

    oci::HttpRequest head;
    head.method = "HEAD";
    head.url = "/manifests/" + tag;
    head.headers.push_back(oci::kManifestAccept);
    llvm::Expected<oci::HttpResponse> existing = client.Send(head);
    if (!existing) return existing.takeError();
    if (existing->status == 200 && existing->Header("docker-content-digest") == manifest_digest) {
      ++stats.present;
      continue;
    }
    if (existing->status != 200 && existing->status != 404)
      return client.StatusError(*existing, "manifest " + name + ":" + tag);

    for (const oci::LayerDescriptor& blob : output->image.layers) {
      if (llvm::Error err = store.CheckBlob(blob.digest)) return err;
      llvm::Expected<bool> present = client.HasBlob(blob.digest);
      if (!present) return present.takeError();
      if (*present) continue;
      if (llvm::Error err = client.UploadBlob(blob.digest, store.BlobPath(blob.digest))) return err;
      stats.bytes += blob.size;
    }
    llvm::Expected<bool> present = client.HasBlob(record_digest);
    if (!present) return present.takeError();
    if (!*present) {
      // Uploads read files: the record goes through the store (gc removes it once unused).
      llvm::Expected<std::string> stored = store.PutBlobBytes(record_bytes);
      if (!stored) return stored.takeError();
      if (llvm::Error err = client.UploadBlob(record_digest, store.BlobPath(record_digest)))
        return err;
      stats.bytes += record_bytes.size();
    }
    if (llvm::Error err =
            client.PutManifest(tag, oci::kOciManifest.str(), manifest, manifest_digest))
      return err;
    ++stats.pushed;
  }
  return stats;
}

}  // namespace strata::schedule
