// What one node produced, and its node record in the store.
#include "runtime/schedule/node_output.h"

#include <sys/stat.h>

#include <cstring>
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

nlohmann::json ToRecord(const store::Store& store, const NodeOutput& output, const std::string& op,
                        const std::vector<std::string>& input_keys) {
  nlohmann::json record = nlohmann::json::object();
  record["op"] = op;
  record["inputs"] = input_keys;
  record["created"] = static_cast<int64_t>(std::time(nullptr));
  if (!output.sbom.is_null()) record["sbom"] = output.sbom;
  if (!output.sources.empty()) record["sources"] = output.sources;
  if (output.IsStage()) {
    record["kind"] = "stage";
    record["image"] = output.image.ToJson();
  } else {
    record["kind"] = "artifact";
    std::string prefix = store.Root() + "/";
    if (!output.local && output.path.compare(0, prefix.size(), prefix) == 0)
      record["store_path"] = output.path.substr(prefix.size());
    else
      record["path"] = output.path;
    if (output.local) record["local"] = true;
    if (output.empty_match) record["empty_match"] = true;
    if (output.keep_modes) record["keep_modes"] = true;
    if (!output.name.empty()) record["name"] = output.name;
    if (!output.local_exclude.empty()) {
      record["local_root"] = output.local_root;
      record["local_exclude"] = output.local_exclude;
    }
  }
  return record;
}

llvm::Expected<NodeOutput> FromRecord(const store::Store& store, const nlohmann::json& record) {
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
    NodeOutput output = NodeOutput::Stage(std::move(*image));
    if (record.contains("sbom") && record["sbom"].is_object()) output.sbom = record["sbom"];
    if (record.contains("sources") && record["sources"].is_array())
      for (const nlohmann::json& source : record["sources"])
        if (source.is_string()) output.sources.push_back(source.get<std::string>());
    return output;
  }
  if (kind == "artifact") {
    bool local =
        record.contains("local") && record["local"].is_boolean() && record["local"].get<bool>();
    std::string path;
    if (record.contains("store_path") && record["store_path"].is_string()) {
      std::string relative = record["store_path"].get<std::string>();
      // Only ever written by ToRecord; anything climbing out of the store is tampering.
      if (relative.empty() || relative[0] == '/' || relative == ".." ||
          relative.rfind("../", 0) == 0 || relative.find("/../") != std::string::npos)
        return bad("artifact path '" + relative + "' leaves the store");
      path = store.Root() + "/" + relative;
    } else if (record.contains("path") && record["path"].is_string()) {
      path = record["path"].get<std::string>();
    } else {
      return bad("artifact without path");
    }
    NodeOutput output = NodeOutput::Artifact(std::move(path), local);
    if (record.contains("keep_modes") && record["keep_modes"].is_boolean())
      output.keep_modes = record["keep_modes"].get<bool>();
    if (record.contains("name") && record["name"].is_string())
      output.name = record["name"].get<std::string>();
    if (record.contains("empty_match") && record["empty_match"].is_boolean())
      output.empty_match = record["empty_match"].get<bool>();
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

std::vector<std::string> RecordArtifactDirs(const nlohmann::json& record) {
  std::vector<std::string> dirs;
  auto kind = record.is_object() ? record.find("kind") : record.end();
  if (!record.is_object() || kind == record.end() || *kind != "artifact") return dirs;
  auto segment_after = [](const std::string& path, size_t start) {
    return path.substr(start, path.find('/', start) - start);
  };
  if (record.contains("store_path") && record["store_path"].is_string()) {
    const std::string& path = record["store_path"].get_ref<const std::string&>();
    if (path.rfind("artifacts/", 0) == 0)
      dirs.push_back(segment_after(path, std::strlen("artifacts/")));
    return dirs;
  }
  if (!record.contains("path") || !record["path"].is_string()) return dirs;
  if (record.contains("local") && record["local"] == true) return dirs;
  // An old record: which "/artifacts/" was the store's is unknown, so every candidate is kept.
  const std::string& path = record["path"].get_ref<const std::string&>();
  for (size_t at = path.find("/artifacts/"); at != std::string::npos;
       at = path.find("/artifacts/", at + 1))
    dirs.push_back(segment_after(path, at + std::strlen("/artifacts/")));
  return dirs;
}

std::vector<std::string> LayerDigests(const NodeOutput& output) {
  std::vector<std::string> digests;
  if (output.IsStage())
    for (const oci::LayerDescriptor& layer : output.image.layers) digests.push_back(layer.digest);
  return digests;
}

}  // namespace strata::schedule
