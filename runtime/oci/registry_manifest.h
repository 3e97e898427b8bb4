// Reading OCI and Docker v2 manifests, indexes and image configs into the runtime's Image.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/oci/image.h"

namespace strata::oci {

inline constexpr llvm::StringLiteral kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr llvm::StringLiteral kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr llvm::StringLiteral kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr llvm::StringLiteral kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";

// object[key] when it is a string, else `fallback` (never throws, unlike json::value).
std::string JsonString(const nlohmann::json& object, const char* key,
                       const std::string& fallback = "");

bool IsIndexMediaType(llvm::StringRef media_type);
bool IsManifestMediaType(llvm::StringRef media_type);

// The media type of a manifest document: the Content-Type (without parameters) when it names
// a manifest or index, else the document's mediaType, else guessed from its fields.
std::string ManifestMediaType(llvm::StringRef content_type, llvm::StringRef bytes);

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = -1;
};

// The manifest for os/architecture in an index or manifest list (attestations are skipped);
// the error lists the platforms the index has.
llvm::Expected<Descriptor> SelectPlatform(llvm::StringRef index_bytes, const std::string& os,
                                          const std::string& architecture, const std::string& what);

struct ManifestContent {
  Descriptor config;
  std::vector<Descriptor> layers;
};
llvm::Expected<ManifestContent> ParseManifest(llvm::StringRef bytes, const std::string& what);

// The OCI name of a layer media type; Docker's names map to their OCI twins (same bytes).
// Foreign and non-distributable layers are refused.
llvm::Expected<std::string> NormalizeLayerMediaType(llvm::StringRef media_type,
                                                    const std::string& what);

// The Image a manifest and its config describe: layers (with diff_ids from rootfs.diff_ids),
// the config's `config` object (null fields dropped; OnBuild moved to Image::onbuild),
// history, os and architecture.
llvm::Expected<Image> ImageFromConfig(const ManifestContent& manifest, llvm::StringRef config_bytes,
                                      const std::string& what);

}  // namespace strata::oci
