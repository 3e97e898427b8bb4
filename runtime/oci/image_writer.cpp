// WriteImage: the image config and OCI manifest of an Image, stored as blobs.
#include "runtime/oci/image_writer.h"

#include <thread>

#include "runtime/oci/image_json.h"
#include "runtime/store/names.h"
#include "runtime/store/sha256.h"

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
  written.config_digest = store::Sha256Digest(config.data(), config.size());
  written.config_size = config.size();
  std::string manifest =
      CanonicalBytes(BuildManifestJson(image, written.config_digest, written.config_size));
  // The two blobs are committed at once (each waits for the disk twice: its file's fsync and
  // its directory's). Nothing names the manifest before both are in: WriteImage's caller
  // records it only after this returns.
  llvm::Expected<std::string> config_digest = std::string();
  std::thread config_writer([&] { config_digest = store.PutBlobBytes(config); });
  llvm::Expected<std::string> manifest_digest = store.PutBlobBytes(manifest);
  config_writer.join();
  if (!config_digest) {
    if (!manifest_digest) llvm::consumeError(manifest_digest.takeError());
    return config_digest.takeError();
  }
  if (!manifest_digest) return manifest_digest.takeError();
  if (*config_digest != written.config_digest)
    return llvm::createStringError(
        std::make_error_code(std::errc::io_error),
        "image config stored as " + *config_digest + ", hashed as " + written.config_digest);
  written.manifest_digest = *manifest_digest;
  written.manifest_size = manifest.size();
  return written;
}

}  // namespace strata::oci
