// WriteImage: the image config and OCI manifest of an Image, stored as blobs.
#include "runtime/oci/image_writer.h"

#include "runtime/oci/image_json.h"
#include "runtime/store/names.h"

namespace strata::oci {

llvm::Expected<WrittenImage> WriteImage(const store::Store& store, const Image& image,
                                        int64_t source_date_epoch) {
  for (const LayerDescriptor& layer : image.layers) {
    if (!store::IsValidDigest(layer.digest) || !store::IsValidDigest(layer.diff_id))
      return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                     "image layer with an invalid digest: '" + layer.digest + "'");
    // A manifest must only name blobs that exist; exporters copy them from the store.
    if (!store.HasBlob(layer.digest))
      return llvm::createStringError(std::make_error_code(std::errc::no_such_file_or_directory),
                                     "image layer " + layer.digest + " is not in the store");
  }
  WrittenImage written;
  std::string config = CanonicalBytes(BuildConfigJson(image, source_date_epoch));
  llvm::Expected<std::string> config_digest = store.PutBlobBytes(config);
  if (!config_digest) return config_digest.takeError();
  written.config_digest = *config_digest;
  written.config_size = config.size();

  std::string manifest =
      CanonicalBytes(BuildManifestJson(image, written.config_digest, written.config_size));
  llvm::Expected<std::string> manifest_digest = store.PutBlobBytes(manifest);
  if (!manifest_digest) return manifest_digest.takeError();
  written.manifest_digest = *manifest_digest;
  written.manifest_size = manifest.size();
  return written;
}

}  // namespace strata::oci
