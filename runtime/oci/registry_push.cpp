// PushImage: layers and config by monolithic upload unless present, then the manifest.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/oci/registry.h"
#include "runtime/oci/registry_client.h"
#include "runtime/oci/registry_manifest.h"

namespace strata::oci {

llvm::Error PushImage(const store::Store& store, const Image& image, const WrittenImage& written,
                      const std::string& ref_text) {
  llvm::Expected<ImageReference> ref = ImageReference::Parse(ref_text);
  if (!ref) return ref.takeError();
  if (!ref->digest.empty() && ref->digest != written.manifest_digest)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "cannot push to %s: the image's manifest digest is %s",
                                   ref_text.c_str(), written.manifest_digest.c_str());
  RegistryClient client(*ref, /*push=*/true);
  std::vector<std::string> blobs;
  for (const LayerDescriptor& layer : image.layers) blobs.push_back(layer.digest);
  blobs.push_back(written.config_digest);
  for (const std::string& digest : blobs) {
    std::string path = store.BlobPath(digest);
    if (llvm::Error error = store.CheckBlob(digest)) return error;
    llvm::Expected<bool> present = client.HasBlob(digest);
    if (!present) return present.takeError();
    if (*present) continue;
    if (llvm::Error error = client.UploadBlob(digest, path)) return error;
  }
  if (llvm::Error error = store.CheckBlob(written.manifest_digest)) return error;
  std::ifstream in(store.BlobPath(written.manifest_digest), std::ios::binary);
  if (!in)
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "cannot push %s: manifest %s is not in the store",
                                   ref_text.c_str(), written.manifest_digest.c_str());
  std::ostringstream manifest;
  manifest << in.rdbuf();
  std::string media_type = ManifestMediaType("", manifest.str());
  if (!IsManifestMediaType(media_type)) media_type = kOciManifest.str();
  return client.PutManifest(ref->ManifestReference(), media_type, manifest.str(),
                            written.manifest_digest);
}

}  // namespace strata::oci
