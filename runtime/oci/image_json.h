// The OCI JSON documents of an Image: the image config and the manifest, and the reverse
// mapping from a config document back to Image fields (for imports).
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/oci/image.h"

namespace strata::oci {

inline constexpr const char* kOciManifestType = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndexType = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciConfigType = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kDockerManifestType =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerListType =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerConfigType = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kRefNameAnnotation = "org.opencontainers.image.ref.name";

// "1970-01-01T00:00:00Z" for 0.
std::string Rfc3339(int64_t epoch);

// The image config: architecture, os, config (empty fields omitted; OnBuild from
// Image::onbuild), created, history (each created = the epoch), rootfs.diff_ids.
nlohmann::json BuildConfigJson(const Image& image, int64_t source_date_epoch);

// The OCI manifest for the image whose config blob has this digest and size.
nlohmann::json BuildManifestJson(const Image& image, const std::string& config_digest,
                                 uint64_t config_size);

// An index.json entry for a manifest, with org.opencontainers.image.ref.name = tag when given.
nlohmann::json ManifestDescriptorJson(const std::string& digest, uint64_t size,
                                      const std::string& tag);

// The canonical bytes of a JSON document: keys sorted, no whitespace.
std::string CanonicalBytes(const nlohmann::json& json);

// Fills config, history, architecture, os and onbuild of `image` from an image config document
// and returns its rootfs.diff_ids. `what` names the document in errors.
llvm::Expected<std::vector<std::string>> ReadConfigJson(const nlohmann::json& json,
                                                        const std::string& what, Image& image);

// The OCI layer media type for a layer media type of OCI or Docker; "" when not a layer type.
std::string NormalizeLayerMediaType(const std::string& media_type);
// An OCI or Docker image config media type.
bool IsConfigMediaType(const std::string& media_type);

}  // namespace strata::oci
