// ExportOciArchive: oci-archive:FILE[:TAG] — an OCI layout holding one image, as a
// deterministic tar streamed straight from the store's blobs.
#include <map>
#include <set>

#include "runtime/oci/image_json.h"
#include "runtime/oci/image_writer.h"
#include "runtime/oci/tar_file_writer.h"
#include "runtime/store/names.h"
#include "runtime/store/sha256.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {

llvm::Error ExportOciArchive(const store::Store& store, const Image& image,
                             const WrittenImage& written, const std::string& file,
                             const std::string& tag, const std::vector<std::string>& extra_blobs,
                             const std::vector<nlohmann::json>& extra_entries) {
  std::set<std::string> digests = {written.config_digest, written.manifest_digest};
  for (const LayerDescriptor& layer : image.layers) digests.insert(layer.digest);
  for (const std::string& digest : digests)
    if (llvm::Error err = store.CheckBlob(digest)) return err;
  // Blobs by digest (so sorted): the store's file, or bytes given here.
  std::map<std::string, const std::string*> bytes_of;
  for (const std::string& digest : digests) bytes_of[digest] = nullptr;
  for (const std::string& bytes : extra_blobs)
    bytes_of.emplace(store::Sha256Digest(bytes.data(), bytes.size()), &bytes);
  nlohmann::json manifests = {
      ManifestDescriptorJson(written.manifest_digest, written.manifest_size, tag)};
  for (const nlohmann::json& entry : extra_entries) manifests.push_back(entry);
  nlohmann::json index = {
      {"schemaVersion", 2},
      {"mediaType", kOciIndexType},
      {"manifests", std::move(manifests)},
  };

  llvm::Expected<TarFileWriter> tar = TarFileWriter::Create(file);
  if (!tar) return tar.takeError();
  // Byte order of paths: blobs/ < blobs/sha256/ < blobs/sha256/<hex> < index.json < oci-layout;
  // the map keeps the hex names sorted.
  if (llvm::Error err = tar->AddDirectory("blobs/")) return err;
  if (llvm::Error err = tar->AddDirectory("blobs/sha256/")) return err;
  for (const auto& [digest, bytes] : bytes_of) {
    std::string path = "blobs/sha256/" + store::DigestHex(digest).str();
    llvm::Error err =
        bytes ? tar->AddBytes(path, *bytes) : tar->AddFile(path, store.BlobPath(digest));
    if (err) return err;
  }
  if (llvm::Error err = tar->AddBytes("index.json", CanonicalBytes(index))) return err;
  if (llvm::Error err = tar->AddBytes("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"))
    return err;
  return tar->Commit();
}

}  // namespace strata::oci
