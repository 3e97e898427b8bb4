// ExportDockerArchive: docker-archive:FILE[:REF] — the `docker save` layout (manifest.json,
// <config hex>.json, <diff_id hex>/layer.tar uncompressed, repositories), as a deterministic tar.
#include <map>

#include "compiler/support/errno_error.h"
#include "runtime/oci/file_copy.h"
#include "runtime/oci/image_json.h"
#include "runtime/oci/image_writer.h"
#include "runtime/oci/layer_stream.h"
#include "runtime/oci/tar_file_writer.h"
#include "runtime/store/names.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {
namespace {

// Layers are stored uncompressed so that each file's sha256 is its diff_id, which is what
// `docker load` (all versions) and containers/image expect from this format.
llvm::Error AddLayer(const store::Store& store, TarFileWriter& tar, const std::string& path,
                     const LayerDescriptor& layer) {
  std::string blob = store.BlobPath(layer.digest);
  if (llvm::Error err = store.CheckBlob(layer.digest)) return err;
  if (layer.digest == layer.diff_id) return tar.AddFile(path, blob);
  llvm::Expected<store::TempFile> temp = store::TempFile::Create(store.TmpDir(), 0600);
  if (!temp) return temp.takeError();
  llvm::Expected<LayerStream> stream = LayerStream::Open(blob);
  if (!stream) return stream.takeError();
  std::vector<char> buf(1 << 20);
  for (;;) {
    llvm::Expected<size_t> n = stream->Read(buf.data(), buf.size());
    if (!n) return n.takeError();
    if (*n == 0) break;
    if (llvm::Error err = temp->WriteAll(buf.data(), *n)) return err;
  }
  llvm::Expected<std::string> diff_id = stream->Finish();
  if (!diff_id) return diff_id.takeError();
  if (*diff_id != layer.diff_id)
    return support::MakeError(std::errc::illegal_byte_sequence,
                              "layer " + layer.digest + ": diff_id mismatch: expected " +
                                  layer.diff_id + ", got " + *diff_id);
  return tar.AddFile(path, temp->Path());
}

// "name" -> "name:latest"; the name and the tag. Digest references cannot be stored.
llvm::Error SplitRef(const std::string& ref, std::string& name, std::string& tag) {
  if (ref.find('@') != std::string::npos)
    return support::MakeError(std::errc::invalid_argument,
                              "docker-archive: '" + ref + "' is a digest reference; give name:tag");
  size_t slash = ref.rfind('/');
  size_t colon = ref.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    name = ref.substr(0, colon);
    tag = ref.substr(colon + 1);
  } else {
    name = ref;
    tag = "latest";
  }
  if (name.empty() || tag.empty())
    return support::MakeError(std::errc::invalid_argument,
                              "docker-archive: invalid image reference '" + ref + "'");
  return llvm::Error::success();
}

}  // namespace

llvm::Error ExportDockerArchive(const store::Store& store, const Image& image,
                                const WrittenImage& written, const std::string& file,
                                const std::string& ref) {
  if (llvm::Error err = store.CheckBlob(written.config_digest)) return err;
  std::string config_path = store.BlobPath(written.config_digest);
  std::string config_name = store::DigestHex(written.config_digest).str() + ".json";

  nlohmann::json layer_paths = nlohmann::json::array();
  std::map<std::string, const LayerDescriptor*> layer_files;  // Sorted; one per diff_id.
  for (const LayerDescriptor& layer : image.layers) {
    if (!store::IsValidDigest(layer.diff_id))
      return support::MakeError(std::errc::invalid_argument,
                                "invalid diff_id '" + layer.diff_id + "'");
    std::string dir = store::DigestHex(layer.diff_id).str();
    layer_paths.push_back(dir + "/layer.tar");
    layer_files.emplace(dir, &layer);
  }
  nlohmann::json entry = {{"Config", config_name}, {"Layers", layer_paths}};
  entry["RepoTags"] = nlohmann::json::array();
  std::string repositories;
  if (!ref.empty()) {
    std::string name, tag;
    if (llvm::Error err = SplitRef(ref, name, tag)) return err;
    entry["RepoTags"].push_back(name + ":" + tag);
    if (!image.layers.empty()) {
      std::string top = store::DigestHex(image.layers.back().diff_id).str();
      repositories = CanonicalBytes(nlohmann::json{{name, {{tag, top}}}}) + "\n";
    }
  }
  std::string manifest = CanonicalBytes(nlohmann::json::array({entry})) + "\n";

  llvm::Expected<TarFileWriter> tar = TarFileWriter::Create(file);
  if (!tar) return tar.takeError();
  // Byte order: hex names (config "<hex>.json", layer dirs "<hex>/") sort before "manifest.json"
  // and "repositories"; between a config and a layer dir sharing a prefix, '.' < '/'.
  auto layer_it = layer_files.begin();
  auto add_layers_before = [&](const std::string& limit) -> llvm::Error {
    for (; layer_it != layer_files.end() && (limit.empty() || layer_it->first + "/" < limit);
         ++layer_it) {
      if (llvm::Error err = tar->AddDirectory(layer_it->first + "/")) return err;
      if (llvm::Error err =
              AddLayer(store, *tar, layer_it->first + "/layer.tar", *layer_it->second))
        return err;
    }
    return llvm::Error::success();
  };
  if (llvm::Error err = add_layers_before(config_name)) return err;
  if (llvm::Error err = tar->AddFile(config_name, config_path)) return err;
  if (llvm::Error err = add_layers_before("")) return err;
  if (llvm::Error err = tar->AddBytes("manifest.json", manifest)) return err;
  if (!repositories.empty()) {
    if (llvm::Error err = tar->AddBytes("repositories", repositories)) return err;
  }
  return tar->Commit();
}

}  // namespace strata::oci
