// Image <-> the JSON node record the executor stores for a Stage node.
#include "runtime/oci/image.h"

#include "runtime/store/names.h"

namespace strata::oci {
namespace {

llvm::Error Malformed(const std::string& detail) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                 "malformed image record: " + detail);
}

// The field as a string, or an error naming it; "" when absent and not required.
llvm::Error GetString(const nlohmann::json& object, const char* key, bool required,
                      std::string& out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) return Malformed(std::string("missing '") + key + "'");
    return llvm::Error::success();
  }
  if (!it->is_string()) return Malformed(std::string("'") + key + "' is not a string");
  out = it->get<std::string>();
  return llvm::Error::success();
}

}  // namespace

nlohmann::json Image::ToJson() const {
  nlohmann::json layer_list = nlohmann::json::array();
  for (const LayerDescriptor& layer : layers) {
    nlohmann::json entry = {{"digest", layer.digest},
                            {"diff_id", layer.diff_id},
                            {"size", layer.size},
                            {"media_type", layer.media_type}};
    if (layer.deferred) entry["deferred"] = true;
    layer_list.push_back(std::move(entry));
  }
  nlohmann::json history_list = nlohmann::json::array();
  for (const HistoryEntry& entry : history) {
    nlohmann::json h = {{"created_by", entry.created_by}};
    if (entry.empty_layer) h["empty_layer"] = true;
    if (!entry.comment.empty()) h["comment"] = entry.comment;
    history_list.push_back(std::move(h));
  }
  nlohmann::json json = {{"layers", std::move(layer_list)},
                         {"config", config.is_object() ? config : nlohmann::json::object()},
                         {"history", std::move(history_list)},
                         {"architecture", architecture},
                         {"os", os}};
  if (!onbuild.empty()) json["onbuild"] = onbuild;
  return json;
}

llvm::Expected<Image> Image::FromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Malformed("not a JSON object");
  Image image;
  auto layers_it = json.find("layers");
  if (layers_it == json.end() || !layers_it->is_array()) return Malformed("missing 'layers' list");
  for (const nlohmann::json& l : *layers_it) {
    if (!l.is_object()) return Malformed("a layer is not an object");
    LayerDescriptor layer;
    if (llvm::Error err = GetString(l, "digest", true, layer.digest)) return err;
    if (llvm::Error err = GetString(l, "diff_id", true, layer.diff_id)) return err;
    if (llvm::Error err = GetString(l, "media_type", true, layer.media_type)) return err;
    if (!store::IsValidDigest(layer.digest) || !store::IsValidDigest(layer.diff_id))
      return Malformed("invalid layer digest '" + layer.digest + "' / '" + layer.diff_id + "'");
    auto size = l.find("size");
    if (size == l.end() || !size->is_number_unsigned()) return Malformed("layer without a size");
    layer.size = size->get<uint64_t>();
    auto deferred = l.find("deferred");
    layer.deferred = deferred != l.end() && deferred->is_boolean() && deferred->get<bool>();
    // A deferred layer is its own plain tar: anything else would compress other bytes.
    if (layer.deferred && (layer.digest != layer.diff_id ||
                           layer.media_type != "application/vnd.oci.image.layer.v1.tar"))
      return Malformed("deferred layer '" + layer.digest + "' is not its plain tar");
    image.layers.push_back(std::move(layer));
  }
  if (auto it = json.find("config"); it != json.end() && !it->is_null()) {
    if (!it->is_object()) return Malformed("'config' is not an object");
    image.config = *it;
  }
  if (auto it = json.find("history"); it != json.end() && !it->is_null()) {
    if (!it->is_array()) return Malformed("'history' is not a list");
    for (const nlohmann::json& h : *it) {
      if (!h.is_object()) return Malformed("a history entry is not an object");
      HistoryEntry entry;
      if (llvm::Error err = GetString(h, "created_by", false, entry.created_by)) return err;
      if (llvm::Error err = GetString(h, "comment", false, entry.comment)) return err;
      auto empty = h.find("empty_layer");
      entry.empty_layer = empty != h.end() && empty->is_boolean() && empty->get<bool>();
      image.history.push_back(std::move(entry));
    }
  }
  if (llvm::Error err = GetString(json, "architecture", false, image.architecture)) return err;
  if (llvm::Error err = GetString(json, "os", false, image.os)) return err;
  if (auto it = json.find("onbuild"); it != json.end() && !it->is_null()) {
    if (!it->is_array()) return Malformed("'onbuild' is not a list");
    for (const nlohmann::json& trigger : *it) {
      if (!trigger.is_string()) return Malformed("'onbuild' holds a non-string");
      image.onbuild.push_back(trigger.get<std::string>());
    }
  }
  return image;
}

}  // namespace strata::oci
