// What one node produced, and its node record in the store.
#include "runtime/schedule/node_output.h"

#include <sys/stat.h>

#include <ctime>

namespace strata::schedule {

NodeOutput NodeOutput::Stage(oci::Image image) {
  NodeOutput output;
  output.kind = Kind::kStage;
  output.image = std::move(image);
  return output;
}

NodeOutput NodeOutput::Artifact(std::string path, bool local) {
  NodeOutput output;
  output.kind = Kind::kArtifact;
  output.path = std::move(path);
  output.local = local;
  return output;
}

nlohmann::json ToRecord(const NodeOutput& output, const std::string& op,
                        const std::vector<std::string>& input_keys) {
  nlohmann::json record = nlohmann::json::object();
  record["op"] = op;
  record["inputs"] = input_keys;
  record["created"] = static_cast<int64_t>(std::time(nullptr));
  if (output.IsStage()) {
    record["kind"] = "stage";
    record["image"] = output.image.ToJson();
  } else {
    record["kind"] = "artifact";
    record["path"] = output.path;
    if (output.local) record["local"] = true;
    if (!output.local_exclude.empty()) {
      record["local_root"] = output.local_root;
      record["local_exclude"] = output.local_exclude;
    }
  }
  return record;
}

llvm::Expected<NodeOutput> FromRecord(const nlohmann::json& record) {
  auto bad = [](const std::string& why) {
    return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                   "malformed node record: " + why);
  };
  if (!record.is_object() || !record.contains("kind") || !record["kind"].is_string())
    return bad("no kind");
  const std::string& kind = record["kind"].get_ref<const std::string&>();
  if (kind == "stage") {
    if (!record.contains("image")) return bad("stage without image");
    llvm::Expected<oci::Image> image = oci::Image::FromJson(record["image"]);
    if (!image) return image.takeError();
    return NodeOutput::Stage(std::move(*image));
  }
  if (kind == "artifact") {
    if (!record.contains("path") || !record["path"].is_string()) return bad("artifact without path");
    bool local = record.contains("local") && record["local"].is_boolean() && record["local"].get<bool>();
    NodeOutput output = NodeOutput::Artifact(record["path"].get<std::string>(), local);
    if (record.contains("local_exclude") && record["local_exclude"].is_array()) {
      output.local_root = record.value("local_root", std::string());
      for (const nlohmann::json& pattern : record["local_exclude"])
        if (pattern.is_string()) output.local_exclude.push_back(pattern);
    }
    return output;
  }
  return bad("unknown kind '" + kind + "'");
}

bool RecordIsComplete(const store::Store& store, const NodeOutput& output) {
  if (output.IsStage()) {
    for (const oci::LayerDescriptor& layer : output.image.layers)
      if (!store.HasBlob(layer.digest)) return false;
    return true;
  }
  struct stat st;
  return ::lstat(output.path.c_str(), &st) == 0;
}

std::vector<std::string> LayerDigests(const NodeOutput& output) {
  std::vector<std::string> digests;
  if (output.IsStage())
    for (const oci::LayerDescriptor& layer : output.image.layers) digests.push_back(layer.digest);
  return digests;
}

}  // namespace strata::schedule
