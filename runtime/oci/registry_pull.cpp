// PullImage and ResolveDigest: tag → (index →) manifest → config and layers, verified, into the
// store.
#include <fstream>
#include <sstream>

#include "runtime/oci/layer_stream.h"
#include "runtime/oci/registry.h"
#include "runtime/oci/registry_client.h"
#include "runtime/oci/registry_manifest.h"

namespace strata::oci {
namespace {

llvm::Expected<std::string> ReadBlob(const store::Store& store, const std::string& digest) {
  std::ifstream in(store.BlobPath(digest), std::ios::binary);
  if (!in)
    return llvm::createStringError(std::errc::io_error, "cannot read blob %s from the store",
                                   digest.c_str());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The manifest (or index) with this digest: from the store when it is there, else downloaded,
// verified by GetManifest and kept in the store so a later pinned pull needs no network.
llvm::Expected<ManifestBytes> Manifest(const store::Store& store, RegistryClient& client,
                                       const std::string& reference) {
  if (store.HasBlob(reference)) {
    llvm::Expected<std::string> bytes = ReadBlob(store, reference);
    if (!bytes) return bytes.takeError();
    return ManifestBytes{ManifestMediaType("", *bytes), std::move(*bytes), reference};
  }
  llvm::Expected<ManifestBytes> manifest = client.GetManifest(reference);
  if (!manifest) return manifest.takeError();
  llvm::Expected<std::string> stored = store.PutBlobBytes(manifest->bytes);
  if (!stored) return stored.takeError();
  return manifest;
}

}  // namespace

llvm::Expected<PulledImage> PullImage(const store::Store& store, const std::string& ref_text,
                                      const std::string& digest, const PullOptions& options) {
  llvm::Expected<ImageReference> ref = ImageReference::Parse(ref_text);
  if (!ref) return ref.takeError();
  if (!digest.empty() && !ref->digest.empty() && digest != ref->digest)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "image '%s' names digest %s, but the lock pins %s",
                                   ref_text.c_str(), ref->digest.c_str(), digest.c_str());
  RegistryClient client(*ref, /*push=*/false);
  std::string what = "image " + ref->String();
  PulledImage pulled;
  std::string reference = digest.empty() ? ref->ManifestReference() : digest;
  llvm::Expected<ManifestBytes> top = Manifest(store, client, reference);
  if (!top) return top.takeError();
  pulled.digest = top->digest;
  ManifestBytes manifest = std::move(*top);
  if (IsIndexMediaType(manifest.media_type)) {
    llvm::Expected<Descriptor> chosen = SelectPlatform(
        manifest.bytes, options.os, options.architecture, what + " (index " + pulled.digest + ")");
    if (!chosen) return chosen.takeError();
    llvm::Expected<ManifestBytes> platform = Manifest(store, client, chosen->digest);
    if (!platform) return platform.takeError();
    manifest = std::move(*platform);
  }
  if (!IsManifestMediaType(manifest.media_type))
    return llvm::createStringError(std::errc::not_supported, "%s: unsupported manifest type '%s'",
                                   what.c_str(), manifest.media_type.c_str());
  pulled.manifest_digest = manifest.digest;
  llvm::Expected<ManifestContent> content = ParseManifest(manifest.bytes, what);
  if (!content) return content.takeError();
  pulled.config_digest = content->config.digest;
  if (llvm::Error error = client.FetchBlob(store, content->config.digest, content->config.size))
    return error;
  llvm::Expected<std::string> config = ReadBlob(store, content->config.digest);
  if (!config) return config.takeError();
  llvm::Expected<Image> image = ImageFromConfig(*content, *config, what);
  if (!image) return image.takeError();
  if (!options.config_only)
    for (size_t i = 0; i < content->layers.size(); ++i) {
      const Descriptor& layer = content->layers[i];
      if (llvm::Error error = client.FetchBlob(store, layer.digest, layer.size)) return error;
      // The media type is checked against the bytes, so a re-export never mislabels a layer.
      if (llvm::Error error =
              CheckLayerCompression(store.BlobPath(layer.digest), image->layers[i].media_type,
                                    what + ": layer " + layer.digest))
        return error;
    }
  pulled.image = std::move(*image);
  return pulled;
}

llvm::Expected<std::string> ResolveDigest(const std::string& ref_text) {
  llvm::Expected<ImageReference> ref = ImageReference::Parse(ref_text);
  if (!ref) return ref.takeError();
  RegistryClient client(*ref, /*push=*/false);
  return client.ResolveManifest(ref->ManifestReference());
}

}  // namespace strata::oci
