// The remote cache's tags and manifests: canonical JSON in, checked descriptors out.
#include "runtime/schedule/cache_manifest.h"

#include "runtime/oci/image.h"
#include "runtime/oci/registry_manifest.h"
#include "runtime/store/names.h"

namespace strata::schedule {
namespace {

llvm::Error Refused(const std::string& why) {
  return llvm::createStringError(std::make_error_code(std::errc::illegal_byte_sequence),
                                 "not a strata cache entry: " + why);
}

std::string Canonical(const nlohmann::json& json) {
  // nlohmann's objects are std::maps: keys come out sorted, so equal values give equal bytes.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool IsRecordKey(llvm::StringRef key) {
  if (key.size() != 32) return false;
  for (char c : key)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// A descriptor {mediaType, digest, size} with a valid sha256 digest and a size >= 0.
llvm::Error ReadDescriptor(const nlohmann::json& json, const std::string& what,
                           std::string& media_type, std::string& digest, int64_t& size) {
  if (!json.is_object()) return Refused(what + " is not an object");
  media_type = oci::JsonString(json, "mediaType");
  digest = oci::JsonString(json, "digest");
  if (!store::IsValidDigest(digest)) return Refused(what + " has no valid sha256 digest");
  auto it = json.find("size");
  if (it == json.end() || !it->is_number_integer() || it->get<int64_t>() < 0)
    return Refused(what + " has no size");
  size = it->get<int64_t>();
  return llvm::Error::success();
}

}  // namespace

std::string CacheTag(llvm::StringRef record_key) {
  if (!IsRecordKey(record_key)) return "";
  return "strata-cache-v1-" + record_key.str();
}

std::string EncodeCacheRecord(const nlohmann::json& record) {
  nlohmann::json shared = nlohmann::json::object();
  for (const char* field : {"kind", "op", "image", "sbom"})
    if (record.is_object() && record.contains(field) && !record[field].is_null())
      shared[field] = record[field];
  return Canonical(shared);
}

std::string EncodeCacheManifest(llvm::StringRef record_key, llvm::StringRef record_digest,
                                uint64_t record_size,
                                const std::vector<oci::LayerDescriptor>& layers) {
  nlohmann::json layer_list = nlohmann::json::array();
  for (const oci::LayerDescriptor& layer : layers)
    layer_list.push_back(
        {{"mediaType", layer.media_type}, {"digest", layer.digest}, {"size", layer.size}});
  nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", oci::kOciManifest.str()},
      {"artifactType", kCacheArtifactType.str()},
      {"config",
       {{"mediaType", kCacheRecordMediaType.str()},
        {"digest", record_digest.str()},
        {"size", record_size}}},
      {"layers", std::move(layer_list)},
      {"annotations", {{kCacheKeyAnnotation.str(), record_key.str()}}},
  };
  return Canonical(manifest);
}

llvm::Expected<CacheManifest> DecodeCacheManifest(llvm::StringRef bytes,
                                                  llvm::StringRef record_key) {
  nlohmann::json json =
      nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return Refused("the manifest is not a JSON object");
  if (oci::JsonString(json, "artifactType") != kCacheArtifactType)
    return Refused("artifactType is '" + oci::JsonString(json, "artifactType") + "', expected " +
                   kCacheArtifactType.str());
  auto annotations = json.find("annotations");
  std::string key = annotations != json.end() && annotations->is_object()
                        ? oci::JsonString(*annotations, kCacheKeyAnnotation.data())
                        : "";
  if (key != record_key) return Refused("it is for key '" + key + "', not " + record_key.str());
  CacheManifest manifest;
  std::string media_type;
  auto config = json.find("config");
  if (config == json.end()) return Refused("no config descriptor");
  if (llvm::Error err = ReadDescriptor(*config, "the record descriptor", media_type,
                                       manifest.record_digest, manifest.record_size))
    return err;
  if (media_type != kCacheRecordMediaType)
    return Refused("the record's media type is '" + media_type + "', expected " +
                   kCacheRecordMediaType.str());
  auto layers = json.find("layers");
  if (layers == json.end() || !layers->is_array()) return Refused("no layers list");
  for (const nlohmann::json& entry : *layers) {
    oci::LayerDescriptor layer;
    int64_t size = 0;
    std::string what = "layer " + std::to_string(manifest.layers.size() + 1);
    if (llvm::Error err = ReadDescriptor(entry, what, layer.media_type, layer.digest, size))
      return err;
    llvm::Expected<std::string> normal = oci::NormalizeLayerMediaType(layer.media_type, what);
    if (!normal) return normal.takeError();
    layer.size = static_cast<uint64_t>(size);
    manifest.layers.push_back(std::move(layer));
  }
  return manifest;
}

llvm::Expected<nlohmann::json> DecodeCacheRecord(llvm::StringRef bytes,
                                                 const CacheManifest& manifest) {
  nlohmann::json record =
      nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) return Refused("the record is not a JSON object");
  if (!record.contains("kind") || record["kind"] != "stage" || !record.contains("image"))
    return Refused("the record is not a stage's");
  llvm::Expected<oci::Image> image = oci::Image::FromJson(record["image"]);
  if (!image) return image.takeError();
  if (image->layers.size() != manifest.layers.size())
    return Refused("the record names " + std::to_string(image->layers.size()) +
                   " layers, the manifest " + std::to_string(manifest.layers.size()));
  for (size_t i = 0; i < image->layers.size(); ++i) {
    const oci::LayerDescriptor& a = image->layers[i];
    const oci::LayerDescriptor& b = manifest.layers[i];
    if (a.digest != b.digest || a.size != b.size || a.media_type != b.media_type)
      return Refused("layer " + std::to_string(i + 1) + " of the record (" + a.digest +
                     ") is not the manifest's (" + b.digest + ")");
  }
  return record;
}

}  // namespace strata::schedule
