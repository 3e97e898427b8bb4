// Manifest, index and config documents as registries serve them, checked field by field.
#include "runtime/oci/registry_manifest.h"

namespace strata::oci {
namespace {

llvm::Error Malformed(const std::string& what, const llvm::Twine& why) {
  return llvm::createStringError(std::errc::bad_message, "%s: %s", what.c_str(), why.str().c_str());
}

nlohmann::json ParseObject(llvm::StringRef bytes) {
  nlohmann::json json =
      nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  return json.is_object() ? json : nlohmann::json();
}

bool IsDigest(const std::string& text) {
  llvm::StringRef hex = text;
  return hex.consume_front("sha256:") && hex.size() == 64 &&
         hex.find_first_not_of("0123456789abcdef") == llvm::StringRef::npos;
}

llvm::Expected<Descriptor> ReadDescriptor(const nlohmann::json& json, const std::string& what) {
  if (!json.is_object()) return Malformed(what, "a descriptor is not an object");
  Descriptor descriptor;
  descriptor.media_type = JsonString(json, "mediaType");
  auto digest = json.find("digest");
  if (digest == json.end() || !digest->is_string() || !IsDigest(digest->get<std::string>()))
    return Malformed(what, "a descriptor has no sha256 digest (" + json.dump() + ")");
  descriptor.digest = digest->get<std::string>();
  auto size = json.find("size");
  if (size == json.end() || !size->is_number_integer() || size->get<int64_t>() < 0)
    return Malformed(what, "descriptor " + descriptor.digest + " has no valid size");
  descriptor.size = size->get<int64_t>();
  return descriptor;
}

}  // namespace

std::string JsonString(const nlohmann::json& object, const char* key, const std::string& fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool IsIndexMediaType(llvm::StringRef media_type) {
  return media_type == kOciIndex || media_type == kDockerManifestList;
}

bool IsManifestMediaType(llvm::StringRef media_type) {
  return media_type == kOciManifest || media_type == kDockerManifest;
}

std::string ManifestMediaType(llvm::StringRef content_type, llvm::StringRef bytes) {
  std::string header = content_type.substr(0, content_type.find(';')).trim().lower();
  if (IsIndexMediaType(header) || IsManifestMediaType(header) ||
      llvm::StringRef(header).contains("manifest.v1"))
    return header;
  nlohmann::json json = ParseObject(bytes);
  if (json.is_null()) return header;
  std::string declared = JsonString(json, "mediaType");
  if (!declared.empty()) return declared;
  if (json.contains("manifests")) return kOciIndex.str();
  if (json.contains("layers")) return kOciManifest.str();
  return header;
}

llvm::Expected<Descriptor> SelectPlatform(llvm::StringRef index_bytes, const std::string& os,
                                          const std::string& architecture,
                                          const std::string& what) {
  nlohmann::json index = ParseObject(index_bytes);
  if (index.is_null() || !index.contains("manifests") || !index["manifests"].is_array())
    return Malformed(what, "the image index has no manifests list");
  std::vector<std::string> seen;
  for (const nlohmann::json& entry : index["manifests"]) {
    if (!entry.is_object()) continue;
    const nlohmann::json* platform = entry.contains("platform") ? &entry["platform"] : nullptr;
    if (!platform || !platform->is_object()) continue;
    std::string entry_os = JsonString(*platform, "os");
    std::string entry_arch = JsonString(*platform, "architecture");
    if (entry_os == "unknown") continue;  // BuildKit's attestation manifests
    std::string variant = JsonString(*platform, "variant");
    seen.push_back(entry_os + "/" + entry_arch + (variant.empty() ? "" : "/" + variant));
    if (entry_os == os && entry_arch == architecture) return ReadDescriptor(entry, what);
  }
  std::string list;
  for (const std::string& platform : seen) list += (list.empty() ? "" : ", ") + platform;
  return llvm::createStringError(
      std::errc::no_such_file_or_directory, "%s has no image for %s/%s (it has: %s)", what.c_str(),
      os.c_str(), architecture.c_str(), list.empty() ? "no platforms" : list.c_str());
}

llvm::Expected<ManifestContent> ParseManifest(llvm::StringRef bytes, const std::string& what) {
  nlohmann::json manifest = ParseObject(bytes);
  if (manifest.is_null()) return Malformed(what, "the manifest is not a JSON object");
  auto schema = manifest.find("schemaVersion");
  if (schema == manifest.end() || *schema != 2)
    return Malformed(
        what, "only schemaVersion 2 manifests are supported (Docker's schema 1 is deprecated)");
  ManifestContent content;
  llvm::Expected<Descriptor> config =
      ReadDescriptor(manifest.contains("config") ? manifest["config"] : nlohmann::json(), what);
  if (!config) return config.takeError();
  content.config = *config;
  auto layers = manifest.find("layers");
  if (layers == manifest.end() || !layers->is_array())
    return Malformed(what, "the manifest has no layers list");
  for (const nlohmann::json& layer : *layers) {
    llvm::Expected<Descriptor> descriptor = ReadDescriptor(layer, what);
    if (!descriptor) return descriptor.takeError();
    content.layers.push_back(*descriptor);
  }
  return content;
}

llvm::Expected<std::string> NormalizeLayerMediaType(llvm::StringRef media_type,
                                                    const std::string& what) {
  if (media_type == "application/vnd.oci.image.layer.v1.tar" ||
      media_type == "application/vnd.oci.image.layer.v1.tar+gzip" ||
      media_type == "application/vnd.oci.image.layer.v1.tar+zstd")
    return media_type.str();
  if (media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip")
    return std::string("application/vnd.oci.image.layer.v1.tar+gzip");
  if (media_type == "application/vnd.docker.image.rootfs.diff.tar")
    return std::string("application/vnd.oci.image.layer.v1.tar");
  if (media_type.contains("foreign") || media_type.contains("nondistributable"))
    return Malformed(
        what, "foreign (non-distributable) layers such as Windows base layers are not supported (" +
                  media_type.str() + ")");
  return Malformed(what, "unsupported layer media type '" + media_type.str() + "'");
}

llvm::Expected<Image> ImageFromConfig(const ManifestContent& manifest, llvm::StringRef config_bytes,
                                      const std::string& what) {
  nlohmann::json config = ParseObject(config_bytes);
  if (config.is_null()) return Malformed(what, "the image config is not a JSON object");
  Image image;
  image.os = JsonString(config, "os", "linux");
  image.architecture = JsonString(config, "architecture", "amd64");
  nlohmann::json diff_ids;
  if (auto rootfs = config.find("rootfs"); rootfs != config.end() && rootfs->is_object())
    diff_ids = rootfs->contains("diff_ids") ? (*rootfs)["diff_ids"] : nlohmann::json::array();
  if (!diff_ids.is_array() || diff_ids.size() != manifest.layers.size())
    return Malformed(
        what, "the config lists " + std::to_string(diff_ids.is_array() ? diff_ids.size() : 0) +
                  " diff_ids for " + std::to_string(manifest.layers.size()) + " layers");
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    const Descriptor& layer = manifest.layers[i];
    llvm::Expected<std::string> media_type = NormalizeLayerMediaType(layer.media_type, what);
    if (!media_type) return media_type.takeError();
    if (!diff_ids[i].is_string() || !IsDigest(diff_ids[i].get<std::string>()))
      return Malformed(what, "diff_id " + std::to_string(i) + " is not a sha256 digest");
    image.layers.push_back({layer.digest, diff_ids[i].get<std::string>(),
                            static_cast<uint64_t>(layer.size), *media_type});
  }
  if (auto inner = config.find("config"); inner != config.end() && inner->is_object()) {
    for (auto& [key, value] : inner->items()) {
      if (value.is_null()) continue;
      if (key == "OnBuild") {
        if (value.is_array())
          for (const nlohmann::json& trigger : value)
            if (trigger.is_string()) image.onbuild.push_back(trigger.get<std::string>());
        continue;
      }
      image.config[key] = value;
    }
  }
  if (auto history = config.find("history"); history != config.end() && history->is_array()) {
    for (const nlohmann::json& entry : *history) {
      if (!entry.is_object()) continue;
      HistoryEntry item;
      item.created_by = JsonString(entry, "created_by");
      item.empty_layer = entry.contains("empty_layer") && entry["empty_layer"] == true;
      item.comment = JsonString(entry, "comment");
      image.history.push_back(std::move(item));
    }
  }
  return image;
}

}  // namespace strata::oci
