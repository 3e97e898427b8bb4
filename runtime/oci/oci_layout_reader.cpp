// ImportOciLayout: index.json -> (nested index -> linux/amd64) -> manifest -> config + layers,
// every blob checked against its digest and the layers copied into the store.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/oci/file_copy.h"
#include "runtime/oci/image_import.h"
#include "runtime/oci/image_json.h"
#include "runtime/oci/layer_stream.h"
#include "runtime/store/names.h"
#include "runtime/store/sha256.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {
namespace {

constexpr uint64_t kMaxJsonSize = 64 << 20;
constexpr int kMaxIndexDepth = 4;

llvm::Error Bad(const std::string& message) {
  return support::MakeError(std::errc::invalid_argument, message);
}

// A string field: "" when absent, "(not a string)" when it is something else (which no check
// accepts), so hostile JSON is refused with a message instead of a json exception.
std::string Field(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end()) return "";
  return it->is_string() ? it->get<std::string>() : "(not a string)";
}
std::string MediaType(const nlohmann::json& object) { return Field(object, "mediaType"); }

class LayoutReader {
 public:
  LayoutReader(const store::Store& store, std::string dir) : store_(store), dir_(std::move(dir)) {}

  llvm::Expected<Image> Read(const std::string& tag);

 private:
  llvm::Expected<std::string> BlobPath(const nlohmann::json& descriptor);
  llvm::Expected<nlohmann::json> ReadJsonBlob(const nlohmann::json& descriptor);
  llvm::Expected<nlohmann::json> SelectManifest(const nlohmann::json& index,
                                                const std::string& tag);
  llvm::Expected<LayerDescriptor> CopyLayer(const nlohmann::json& descriptor,
                                            const std::string& diff_id);

  const store::Store& store_;
  std::string dir_;
};

llvm::Expected<std::string> LayoutReader::BlobPath(const nlohmann::json& descriptor) {
  if (!descriptor.is_object()) return Bad(dir_ + ": a descriptor is not an object");
  std::string digest = Field(descriptor, "digest");
  if (!store::IsValidDigest(digest))
    return Bad(dir_ + ": unsupported or malformed digest '" + digest + "'");
  return dir_ + "/blobs/sha256/" + store::DigestHex(digest).str();
}

llvm::Expected<nlohmann::json> LayoutReader::ReadJsonBlob(const nlohmann::json& descriptor) {
  llvm::Expected<std::string> path = BlobPath(descriptor);
  if (!path) return path.takeError();
  llvm::Expected<std::string> bytes = ReadSmallFile(*path, kMaxJsonSize);
  if (!bytes) return bytes.takeError();
  std::string digest = Field(descriptor, "digest");
  if (store::Sha256Digest(bytes->data(), bytes->size()) != digest)
    return Bad(dir_ + ": blob " + digest + " does not match its digest");
  nlohmann::json json = nlohmann::json::parse(*bytes, nullptr, false);
  if (json.is_discarded()) return Bad(dir_ + ": blob " + digest + " is not valid JSON");
  return json;
}

bool IsIndex(const nlohmann::json& json) {
  std::string type = MediaType(json);
  return type == kOciIndexType || type == kDockerListType;
}

std::string RefName(const nlohmann::json& descriptor) {
  auto annotations = descriptor.find("annotations");
  if (annotations == descriptor.end() || !annotations->is_object()) return "";
  return annotations->value(kRefNameAnnotation, "");
}

llvm::Expected<nlohmann::json> LayoutReader::SelectManifest(const nlohmann::json& top,
                                                            const std::string& tag) {
  const nlohmann::json* manifests = top.contains("manifests") ? &top["manifests"] : nullptr;
  if (!manifests || !manifests->is_array()) return Bad(dir_ + "/index.json: no 'manifests' list");
  nlohmann::json chosen;
  if (!tag.empty()) {
    std::string tags;
    for (const nlohmann::json& d : *manifests) {
      if (!d.is_object()) continue;
      std::string name = RefName(d);
      if (name == tag) {
        chosen = d;
        break;
      }
      if (!name.empty()) tags += (tags.empty() ? "" : ", ") + name;
    }
    if (chosen.is_null())
      return Bad(dir_ + ": no image tagged '" + tag + "' (tags: " + (tags.empty() ? "none" : tags) +
                 ")");
  } else if (manifests->size() == 1) {
    chosen = (*manifests)[0];
  } else {
    return Bad(dir_ + ": the layout holds " + std::to_string(manifests->size()) +
               " images; name one as " + dir_ + ":TAG");
  }
  // Image indexes (multi-platform images) are followed to their linux/amd64 manifest.
  for (int depth = 0; IsIndex(chosen); ++depth) {
    if (depth == kMaxIndexDepth) return Bad(dir_ + ": image indexes nested too deeply");
    llvm::Expected<nlohmann::json> index = ReadJsonBlob(chosen);
    if (!index) return index.takeError();
    if (!index->contains("manifests") || !(*index)["manifests"].is_array())
      return Bad(dir_ + ": image index " + Field(chosen, "digest") + " has no manifests");
    nlohmann::json next;
    for (const nlohmann::json& d : (*index)["manifests"]) {
      if (!d.is_object() || !d.contains("platform") || !d["platform"].is_object()) continue;
      if (Field(d["platform"], "os") == "linux" &&
          Field(d["platform"], "architecture") == "amd64") {
        next = d;
        break;
      }
    }
    if (next.is_null()) return Bad(dir_ + ": the image index has no linux/amd64 image");
    chosen = std::move(next);
  }
  return chosen;
}

llvm::Expected<LayerDescriptor> LayoutReader::CopyLayer(const nlohmann::json& descriptor,
                                                        const std::string& diff_id) {
  LayerDescriptor layer;
  layer.digest = Field(descriptor, "digest");
  layer.diff_id = diff_id;
  layer.media_type = NormalizeLayerMediaType(MediaType(descriptor));
  if (layer.media_type.empty())
    return Bad(dir_ + ": layer " + layer.digest + " has unsupported media type '" +
               MediaType(descriptor) + "'");
  llvm::Expected<std::string> path = BlobPath(descriptor);
  if (!path) return path.takeError();
  support::UniqueFd fd(::open(path->c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return support::ErrnoError(errno, "missing layer blob", *path);
  struct stat st;
  if (::fstat(fd.Get(), &st) != 0) return support::ErrnoError(errno, "cannot stat", *path);
  layer.size = static_cast<uint64_t>(st.st_size);
  if (descriptor.contains("size") && descriptor["size"].is_number_unsigned() &&
      descriptor["size"].get<uint64_t>() != layer.size)
    return Bad(dir_ + ": layer " + layer.digest + " has the wrong size");
  if (llvm::Error err =
          CheckLayerCompression(*path, layer.media_type, dir_ + ": layer " + layer.digest))
    return err;
  if (store_.HasBlob(layer.digest)) return layer;
  llvm::Expected<store::BlobWriter> writer = store_.NewBlobWriter();
  if (!writer) return writer.takeError();
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd.Get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return support::ErrnoError(errno, "cannot read", *path);
    if (n == 0) break;
    if (llvm::Error err = writer->Write(buf.data(), static_cast<size_t>(n))) return err;
  }
  llvm::Expected<std::string> committed = writer->CommitExpecting(layer.digest);
  if (!committed) return committed.takeError();
  return layer;
}

llvm::Expected<Image> LayoutReader::Read(const std::string& tag) {
  llvm::Expected<std::string> index_bytes = ReadSmallFile(dir_ + "/index.json", kMaxJsonSize);
  if (!index_bytes) return index_bytes.takeError();
  nlohmann::json index = nlohmann::json::parse(*index_bytes, nullptr, false);
  if (!index.is_object()) return Bad(dir_ + "/index.json: not a JSON object");
  llvm::Expected<nlohmann::json> descriptor = SelectManifest(index, tag);
  if (!descriptor) return descriptor.takeError();
  // Media types are checked, not trusted: what is re-exported must be what it claims to be.
  std::string listed_type = MediaType(*descriptor);
  if (!listed_type.empty() && listed_type != kOciManifestType && listed_type != kDockerManifestType)
    return Bad(dir_ + ": index.json lists " + Field(*descriptor, "digest") +
               " with unsupported media type '" + listed_type + "'");
  llvm::Expected<nlohmann::json> manifest = ReadJsonBlob(*descriptor);
  if (!manifest) return manifest.takeError();
  if (!manifest->is_object() || !manifest->contains("config") || !manifest->contains("layers") ||
      !(*manifest)["layers"].is_array())
    return Bad(dir_ + ": manifest " + Field(*descriptor, "digest") + " is malformed");
  std::string manifest_type = MediaType(*manifest);
  if (!manifest_type.empty() && manifest_type != kOciManifestType &&
      manifest_type != kDockerManifestType)
    return Bad(dir_ + ": manifest " + Field(*descriptor, "digest") +
               " has unsupported media type '" + manifest_type + "'");
  if (!IsConfigMediaType(MediaType((*manifest)["config"])))
    return Bad(dir_ + ": manifest " + Field(*descriptor, "digest") +
               ": the config has unsupported media type '" + MediaType((*manifest)["config"]) +
               "'");
  llvm::Expected<nlohmann::json> config = ReadJsonBlob((*manifest)["config"]);
  if (!config) return config.takeError();

  Image image;
  std::string what = dir_ + ": image config " + Field((*manifest)["config"], "digest");
  llvm::Expected<std::vector<std::string>> diff_ids = ReadConfigJson(*config, what, image);
  if (!diff_ids) return diff_ids.takeError();
  const nlohmann::json& layers = (*manifest)["layers"];
  if (layers.size() != diff_ids->size())
    return Bad(what + ": " + std::to_string(diff_ids->size()) + " diff_ids for " +
               std::to_string(layers.size()) + " layers");
  for (size_t i = 0; i < layers.size(); ++i) {
    llvm::Expected<LayerDescriptor> layer = CopyLayer(layers[i], (*diff_ids)[i]);
    if (!layer) return layer.takeError();
    image.layers.push_back(std::move(*layer));
  }
  return image;
}

}  // namespace

llvm::Expected<Image> ImportOciLayout(const store::Store& store, const std::string& dir,
                                      const std::string& tag) {
  return LayoutReader(store, dir).Read(tag);
}

}  // namespace strata::oci
