// Builds and reads the OCI image config and manifest documents (deterministic bytes).
#include "runtime/oci/image_json.h"

#include <ctime>

#include "runtime/store/names.h"

namespace strata::oci {
namespace {

llvm::Error Malformed(const std::string& what, const std::string& detail) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                 what + ": " + detail);
}

bool IsEmptyValue(const nlohmann::json& value) {
  if (value.is_null()) return true;
  if (value.is_string()) return value.get_ref<const std::string&>().empty();
  if (value.is_array() || value.is_object()) return value.empty();
  return false;
}

}  // namespace

std::string Rfc3339(int64_t epoch) {
  time_t t = static_cast<time_t>(epoch);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string CanonicalBytes(const nlohmann::json& json) {
  // nlohmann::json keeps object keys in a std::map, so dump() is already key-sorted.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

nlohmann::json BuildConfigJson(const Image& image, int64_t source_date_epoch) {
  const std::string created = Rfc3339(source_date_epoch);
  nlohmann::json config = nlohmann::json::object();
  if (image.config.is_object()) {
    for (auto it = image.config.begin(); it != image.config.end(); ++it)
      if (!IsEmptyValue(it.value())) config[it.key()] = it.value();
  }
  config.erase("OnBuild");
  if (!image.onbuild.empty()) config["OnBuild"] = image.onbuild;

  nlohmann::json diff_ids = nlohmann::json::array();
  for (const LayerDescriptor& layer : image.layers) diff_ids.push_back(layer.diff_id);
  nlohmann::json history = nlohmann::json::array();
  for (const HistoryEntry& entry : image.history) {
    nlohmann::json h = {{"created", created}};
    if (!entry.created_by.empty()) h["created_by"] = entry.created_by;
    if (entry.empty_layer) h["empty_layer"] = true;
    if (!entry.comment.empty()) h["comment"] = entry.comment;
    history.push_back(std::move(h));
  }
  nlohmann::json doc = {
      {"architecture", image.architecture},
      {"os", image.os},
      {"config", std::move(config)},
      {"created", created},
      {"rootfs", {{"type", "layers"}, {"diff_ids", std::move(diff_ids)}}},
  };
  if (!history.empty()) doc["history"] = std::move(history);
  return doc;
}

nlohmann::json BuildManifestJson(const Image& image, const std::string& config_digest,
                                 uint64_t config_size) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerDescriptor& layer : image.layers) {
    layers.push_back(
        {{"mediaType", layer.media_type}, {"digest", layer.digest}, {"size", layer.size}});
  }
  return {
      {"schemaVersion", 2},
      {"mediaType", kOciManifestType},
      {"config", {{"mediaType", kOciConfigType}, {"digest", config_digest}, {"size", config_size}}},
      {"layers", std::move(layers)},
  };
}

nlohmann::json ManifestDescriptorJson(const std::string& digest, uint64_t size,
                                      const std::string& tag) {
  nlohmann::json entry = {{"mediaType", kOciManifestType}, {"digest", digest}, {"size", size}};
  if (!tag.empty()) entry["annotations"] = {{kRefNameAnnotation, tag}};
  return entry;
}

llvm::Expected<std::vector<std::string>> ReadConfigJson(const nlohmann::json& json,
                                                        const std::string& what, Image& image) {
  if (!json.is_object()) return Malformed(what, "image config is not a JSON object");
  auto string_field = [&](const char* key, std::string& out) -> llvm::Error {
    auto it = json.find(key);
    if (it == json.end() || it->is_null()) return llvm::Error::success();
    if (!it->is_string()) return Malformed(what, std::string("'") + key + "' is not a string");
    out = it->get<std::string>();
    return llvm::Error::success();
  };
  if (llvm::Error err = string_field("architecture", image.architecture)) return err;
  if (llvm::Error err = string_field("os", image.os)) return err;

  image.config = nlohmann::json::object();
  image.onbuild.clear();
  if (auto it = json.find("config"); it != json.end() && !it->is_null()) {
    if (!it->is_object()) return Malformed(what, "'config' is not an object");
    for (auto field = it->begin(); field != it->end(); ++field) {
      if (field.key() == "OnBuild") {
        if (field->is_null()) continue;
        if (!field->is_array()) return Malformed(what, "'config.OnBuild' is not a list");
        for (const nlohmann::json& trigger : *field) {
          if (!trigger.is_string()) return Malformed(what, "'config.OnBuild' holds a non-string");
          image.onbuild.push_back(trigger.get<std::string>());
        }
      } else if (!IsEmptyValue(field.value())) {
        image.config[field.key()] = field.value();
      }
    }
  }

  image.history.clear();
  if (auto it = json.find("history"); it != json.end() && !it->is_null()) {
    if (!it->is_array()) return Malformed(what, "'history' is not a list");
    for (const nlohmann::json& h : *it) {
      if (!h.is_object()) return Malformed(what, "a 'history' entry is not an object");
      HistoryEntry entry;
      entry.created_by = h.value("created_by", "");
      entry.comment = h.value("comment", "");
      entry.empty_layer = h.value("empty_layer", false);
      image.history.push_back(std::move(entry));
    }
  }

  auto rootfs = json.find("rootfs");
  if (rootfs == json.end() || !rootfs->is_object())
    return Malformed(what, "image config has no 'rootfs'");
  auto ids = rootfs->find("diff_ids");
  std::vector<std::string> diff_ids;
  if (ids == rootfs->end() || ids->is_null()) return diff_ids;
  if (!ids->is_array()) return Malformed(what, "'rootfs.diff_ids' is not a list");
  for (const nlohmann::json& id : *ids) {
    if (!id.is_string() || !store::IsValidDigest(id.get<std::string>()))
      return Malformed(what, "'rootfs.diff_ids' holds an invalid digest");
    diff_ids.push_back(id.get<std::string>());
  }
  return diff_ids;
}

std::string NormalizeLayerMediaType(const std::string& media_type) {
  // Exactly the types the OCI image spec and Docker's schema 2 define for layers this importer
  // can unpack; anything else (a made-up type, foreign layers) is refused by the caller.
  if (media_type == "application/vnd.oci.image.layer.v1.tar" ||
      media_type == "application/vnd.oci.image.layer.v1.tar+gzip" ||
      media_type == "application/vnd.oci.image.layer.v1.tar+zstd")
    return media_type;
  if (media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip")
    return "application/vnd.oci.image.layer.v1.tar+gzip";
  if (media_type == "application/vnd.docker.image.rootfs.diff.tar")
    return "application/vnd.oci.image.layer.v1.tar";
  return "";
}

bool IsConfigMediaType(const std::string& media_type) {
  return media_type == kOciConfigType || media_type == kDockerConfigType;
}

}  // namespace strata::oci
